import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { throwIfProblems } from './private/errors';
import { checkBucketKeys, checkScriptFolder } from './private/lifecycle-checks';
import { lifecycleReadStatements } from './private/permissions';

/**
 * Options for lifecycle scripts deployed from a local folder.
 */
export interface LifecycleScriptsAssetOptions {
  /**
   * The script HyperPod runs when a node is created, as a path relative to the folder
   * (`OnCreate`). HyperPod copies the whole folder to the node and runs this file from it.
   */
  readonly onCreate: string;
}

/**
 * Where an instance group's lifecycle scripts come from, as rendered into `LifeCycleConfig`.
 */
export interface LifecycleScriptsConfig {
  /** The S3 URI of the folder that holds the scripts (`SourceS3Uri`). */
  readonly sourceS3Uri: string;
  /** The entry-point script, relative to `sourceS3Uri` (`OnCreate`). */
  readonly onCreate: string;
}

/**
 * What a lifecycle script source needs from the cluster it is used in.
 *
 * @internal
 */
export interface LifecycleScriptsHost extends IConstruct {
  /** Deploys a local folder under a content-hashed prefix of the cluster's own bucket. */
  _deployFolder(folder: string): { bucket: s3.IBucket; prefix: string };
}

/**
 * Lifecycle scripts of an instance group: from a local folder (deployed as an S3 asset),
 * from an existing bucket, or the default EKS script that ships with this library.
 */
export abstract class LifecycleScripts {
  /**
   * Scripts in a local folder. At synth time the folder and the `onCreate` file must exist
   * and every `*.sh` file must pass `bash -n`. The folder is deployed to a bucket the
   * cluster owns (encrypted, SSL-only, no public access) under a prefix made from a hash of
   * its content, so changing a script changes `SourceS3Uri` and updates the cluster.
   *
   * @param folder path of the folder
   */
  public static fromAsset(folder: string, options: LifecycleScriptsAssetOptions): LifecycleScripts {
    return new AssetLifecycleScripts(folder, options.onCreate);
  }

  /**
   * Scripts already in S3, under `prefix` of `bucket`. The execution roles get read access
   * to that prefix (and decrypt on the bucket's KMS key, when it has one). At synth time,
   * neither `prefix` nor `onCreate` may start with `/` or hold `//` or a `..` segment.
   *
   * @param bucket the bucket that holds the scripts
   * @param prefix the key prefix of the folder, for example `lifecycle/v3/`
   * @param onCreate the entry-point script, relative to the prefix
   */
  public static fromBucket(bucket: s3.IBucket, prefix: string, onCreate: string): LifecycleScripts {
    return new BucketLifecycleScripts(bucket, prefix, onCreate);
  }

  /**
   * The default EKS lifecycle script of this library (`lifecycle/eks/on_create.sh`). It logs
   * to `/var/log/provision/provisioning.log`, moves containerd's data to the secondary EBS
   * volume when one is mounted at `/opt/sagemaker`, and on failure waits so the log reaches
   * CloudWatch, then exits non-zero.
   */
  public static defaultEks(): LifecycleScripts {
    return new AssetLifecycleScripts(DEFAULT_EKS_FOLDER, 'on_create.sh');
  }

  /**
   * Makes the scripts available to a cluster and returns the `LifeCycleConfig` values.
   *
   * @internal
   */
  public abstract _bind(host: LifecycleScriptsHost): LifecycleScriptsBinding;
}

/**
 * The scripts as bound to one cluster.
 *
 * @internal
 */
export interface LifecycleScriptsBinding {
  readonly config: LifecycleScriptsConfig;
  /** Grants a role what it needs to read the scripts. */
  grantRead(role: iam.IRole): void;
}

const DEFAULT_EKS_FOLDER = path.join(__dirname, '..', 'lifecycle', 'eks');

class AssetLifecycleScripts extends LifecycleScripts {
  constructor(private readonly folder: string, private readonly onCreate: string) {
    super();
  }

  public _bind(host: LifecycleScriptsHost): LifecycleScriptsBinding {
    checkScriptFolder(host, this.folder, this.onCreate);
    const { bucket, prefix } = host._deployFolder(this.folder);
    return bindBucket(bucket, prefix, this.onCreate);
  }
}

class BucketLifecycleScripts extends LifecycleScripts {
  constructor(private readonly bucket: s3.IBucket, private readonly prefix: string, private readonly onCreate: string) {
    super();
  }

  public _bind(host: LifecycleScriptsHost): LifecycleScriptsBinding {
    throwIfProblems(host, checkBucketKeys(this.prefix, this.onCreate));
    const prefix = Token.isUnresolved(this.prefix) || this.prefix === '' || this.prefix.endsWith('/')
      ? this.prefix
      : `${this.prefix}/`;
    return bindBucket(this.bucket, prefix, this.onCreate);
  }
}

function bindBucket(bucket: s3.IBucket, prefix: string, onCreate: string): LifecycleScriptsBinding {
  return {
    config: { sourceS3Uri: `s3://${bucket.bucketName}/${prefix}`, onCreate },
    grantRead: (role) => {
      for (const statement of lifecycleReadStatements(bucket.bucketArn, prefix)) {
        role.addToPrincipalPolicy(statement);
      }
      bucket.encryptionKey?.grantDecrypt(role);
    },
  };
}
