import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { lifecycleReadStatements } from './permissions';

/** Where an instance group's lifecycle scripts come from, as rendered into `LifeCycleConfig`. */
export interface LifecycleScriptsConfig {
  /** The S3 URI of the folder that holds the scripts (`SourceS3Uri`). */
  readonly sourceS3Uri: string;
  /** The entry-point script, relative to `sourceS3Uri`. */
  readonly script: string;
  /** When HyperPod runs it: `OnCreate` or `OnInitComplete` (the `LifeCycleConfig` key). */
  readonly runOn: string;
}

/** What a lifecycle script source needs from the cluster it is used in. */
export interface LifecycleScriptsHost {
  /** The construct that problems with the scripts are reported on (the cluster). */
  readonly scope: IConstruct;
  /** Deploys a local folder under a content-hashed prefix of the cluster's own bucket. */
  deployFolder(folder: string): { bucket: s3.IBucket; prefix: string };
}

/** The scripts as bound to one cluster. */
export interface LifecycleScriptsBinding {
  readonly config: LifecycleScriptsConfig;
  /** Grants a role what it needs to read the scripts. */
  grantRead(role: iam.IRole): void;
}

/** Scripts that can be bound to a cluster (`LifecycleScripts`). */
export interface BindableScripts {
  _bind(host: LifecycleScriptsHost): LifecycleScriptsBinding;
}

/** A source of scripts: a local folder or a bucket prefix. */
export interface LifecycleScriptsSource {
  bind(host: LifecycleScriptsHost): LifecycleScriptsBinding;
}

/** Scripts under `prefix` of `bucket`: their config, and read on that prefix (and decrypt on the bucket's key). */
export function bindBucket(bucket: s3.IBucket, prefix: string, script: string, runOn: string): LifecycleScriptsBinding {
  return {
    config: { sourceS3Uri: `s3://${bucket.bucketName}/${prefix}`, script, runOn },
    grantRead: (role) => {
      for (const statement of lifecycleReadStatements(bucket.bucketArn, prefix)) {
        role.addToPrincipalPolicy(statement);
      }
      bucket.encryptionKey?.grantDecrypt(role);
    },
  };
}
