import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { throwIfProblems } from './private/errors';
import { bindBucket, LifecycleScriptsBinding, LifecycleScriptsHost, LifecycleScriptsSource } from './private/lifecycle-binding';
import { checkBucketKeys, checkScriptFolder } from './private/lifecycle-checks';

/**
 * When HyperPod runs a group's lifecycle script (the `LifeCycleConfig` key it is given as).
 */
export enum LifecycleScriptEvent {
  /**
   * When a node is created, before HyperPod's own node setup completes (`OnCreate`): the
   * script sets the node up itself.
   */
  ON_CREATE = 'OnCreate',
  /**
   * After HyperPod has set up its default software on the node (`OnInitComplete`, HyperPod's
   * "extended" mode): the script only adds to it.
   */
  ON_INIT_COMPLETE = 'OnInitComplete',
}

/**
 * Options for lifecycle scripts deployed from a local folder. Give exactly one of `onCreate`
 * and `onInitComplete` (HyperPod takes one of them).
 */
export interface LifecycleScriptsAssetOptions {
  /**
   * The script HyperPod runs when a node is created, as a path relative to the folder
   * (`OnCreate`). HyperPod copies the whole folder to the node and runs this file from it.
   *
   * @default - none; `onInitComplete` must be given
   */
  readonly onCreate?: string;

  /**
   * The script HyperPod runs after its own node setup is complete, as a path relative to the
   * folder (`OnInitComplete`).
   *
   * @default - none; `onCreate` must be given
   */
  readonly onInitComplete?: string;
}

/**
 * Lifecycle scripts of an instance group: from a local folder (deployed as an S3 asset),
 * from an existing bucket, or the default EKS script that ships with this library. Created
 * only by these factories (a source of another kind can be deployed to a bucket and used
 * with `fromBucket`).
 */
export class LifecycleScripts {
  /**
   * Scripts in a local folder. At synth time the folder and the `onCreate` file must exist
   * and every `*.sh` file must pass `bash -n`. The folder is deployed to a bucket the
   * cluster owns (encrypted, SSL-only, no public access) under a prefix made from a hash of
   * its content, so changing a script changes `SourceS3Uri` and updates the cluster.
   *
   * @param folder path of the folder
   */
  public static fromAsset(folder: string, options: LifecycleScriptsAssetOptions): LifecycleScripts {
    return new LifecycleScripts(new AssetSource(folder, options));
  }

  /**
   * Scripts already in S3, under `prefix` of `bucket`. The execution roles get read access
   * to that prefix (and decrypt on the bucket's KMS key, when it has one). At synth time,
   * neither `prefix` nor `script` may start with `/` or hold `//` or a `..` segment.
   *
   * @param bucket the bucket that holds the scripts
   * @param prefix the key prefix of the folder, for example `lifecycle/v3/`
   * @param script the entry-point script, relative to the prefix
   * @param runOn when HyperPod runs it
   */
  public static fromBucket(bucket: s3.IBucket, prefix: string, script: string,
    runOn: LifecycleScriptEvent = LifecycleScriptEvent.ON_CREATE): LifecycleScripts {
    return new LifecycleScripts(new BucketSource(bucket, prefix, script, runOn));
  }

  /**
   * The default EKS lifecycle script of this library (`lifecycle/eks/on_create.sh`). It logs
   * to `/var/log/provision/provisioning.log`, moves containerd's data to the secondary EBS
   * volume when one is mounted at `/opt/sagemaker`, and on failure waits so the log reaches
   * CloudWatch, then exits non-zero.
   */
  public static defaultEks(): LifecycleScripts {
    return new LifecycleScripts(new AssetSource(DEFAULT_EKS_FOLDER, { onCreate: 'on_create.sh' }));
  }

  private constructor(private readonly source: LifecycleScriptsSource) {}

  /**
   * Makes the scripts available to a cluster and returns the `LifeCycleConfig` values.
   *
   * @internal
   */
  public _bind(host: LifecycleScriptsHost): LifecycleScriptsBinding {
    return this.source.bind(host);
  }
}

const DEFAULT_EKS_FOLDER = path.join(__dirname, '..', 'lifecycle', 'eks');

class AssetSource implements LifecycleScriptsSource {
  constructor(private readonly folder: string, private readonly options: LifecycleScriptsAssetOptions) {}

  public bind(host: LifecycleScriptsHost): LifecycleScriptsBinding {
    const { onCreate, onInitComplete } = this.options;
    if ((onCreate === undefined) === (onInitComplete === undefined)) {
      throwIfProblems(host.scope, [`lifecycleScripts (LifecycleScripts.fromAsset('${this.folder}')): give exactly one of onCreate and `
        + `onInitComplete: HyperPod takes one entry script (got ${onCreate === undefined ? 'neither' : 'both'})`]);
    }
    const [script, runOn, prop] = onCreate !== undefined
      ? [onCreate, LifecycleScriptEvent.ON_CREATE, 'onCreate']
      : [onInitComplete!, LifecycleScriptEvent.ON_INIT_COMPLETE, 'onInitComplete'];
    checkScriptFolder(host.scope, this.folder, script, prop);
    const { bucket, prefix } = host.deployFolder(this.folder);
    return bindBucket(bucket, prefix, script, runOn);
  }
}

class BucketSource implements LifecycleScriptsSource {
  constructor(private readonly bucket: s3.IBucket, private readonly prefix: string, private readonly script: string,
    private readonly runOn: LifecycleScriptEvent) {}

  public bind(host: LifecycleScriptsHost): LifecycleScriptsBinding {
    throwIfProblems(host.scope, checkBucketKeys(this.prefix, this.script));
    const prefix = Token.isUnresolved(this.prefix) || this.prefix === '' || this.prefix.endsWith('/')
      ? this.prefix
      : `${this.prefix}/`;
    return bindBucket(this.bucket, prefix, this.script, this.runOn);
  }
}
