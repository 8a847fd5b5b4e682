import { FileSystem, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, IConstruct } from 'constructs';
import { suppressLifecycleBucketFindings } from './cluster-nag';
import { BindableScripts, LifecycleScriptsBinding, LifecycleScriptsHost } from './lifecycle-binding';
import * as perms from './permissions';

/** Options of the bucket the cluster creates for scripts from local folders. */
export interface LifecycleBucketOptions {
  readonly accessLogs?: s3.IBucket;
  readonly encryptionKey?: kms.IKey;
}

/**
 * The cluster's lifecycle scripts: each source bound once, and local folders deployed under a
 * content-hashed prefix of one bucket the cluster owns (created on first use; encrypted,
 * SSL-only, versioned, writable only by the deployment). Its constructs are children of the
 * cluster (`LifecycleBucket`, `LifecycleScripts<hash>`), and the cluster resource waits for them.
 */
export class ClusterLifecycleScripts implements LifecycleScriptsHost {
  private bucket?: s3.Bucket;
  private readonly deployments = new Map<string, { bucket: s3.IBucket; prefix: string }>();
  private readonly bindings = new Map<BindableScripts, LifecycleScriptsBinding>();

  /**
   * @param scope the cluster
   * @param clusterResource what waits for the scripts to be in place
   */
  constructor(public readonly scope: Construct, private readonly clusterResource: IConstruct, private readonly options: LifecycleBucketOptions) {}

  /** The scripts bound to this cluster, once per source. */
  public bind(scripts: BindableScripts): LifecycleScriptsBinding {
    let binding = this.bindings.get(scripts);
    if (!binding) {
      binding = scripts._bind(this);
      this.bindings.set(scripts, binding);
    }
    return binding;
  }

  public deployFolder(folder: string): { bucket: s3.IBucket; prefix: string } {
    const hash = FileSystem.fingerprint(folder);
    const existing = this.deployments.get(hash);
    if (existing) return existing;
    const firstDeployment = !this.bucket;
    const bucket = this.bucket ?? this.createBucket();
    const prefix = `lifecycle-scripts/${hash.slice(0, 16)}/`;
    const deployment = new s3deploy.BucketDeployment(this.scope, `LifecycleScripts${hash.slice(0, 8)}`, {
      sources: [s3deploy.Source.asset(folder)],
      destinationBucket: bucket,
      destinationKeyPrefix: prefix,
      retainOnDelete: true,
    });
    this.clusterResource.node.addDependency(deployment);
    if (firstDeployment) {
      // HyperPod runs these scripts as root on every node: only the deployment handler may write them
      bucket.addToResourcePolicy(perms.lifecycleBucketWriteGuard(bucket.bucketArn, deployment.handlerRole.roleArn));
    }
    // a replaced handler role is allowed by the bucket policy before the deployment writes
    deployment.node.addDependency(bucket.policy!);
    const result = { bucket, prefix };
    this.deployments.set(hash, result);
    return result;
  }

  private createBucket(): s3.Bucket {
    const { accessLogs, encryptionKey } = this.options;
    this.bucket = new s3.Bucket(this.scope, 'LifecycleBucket', {
      ...(encryptionKey
        ? { encryption: s3.BucketEncryption.KMS, encryptionKey, bucketKeyEnabled: true }
        : { encryption: s3.BucketEncryption.S3_MANAGED }),
      enforceSSL: true,
      versioned: true, // every version of every script that ran on a node stays readable
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(accessLogs ? { serverAccessLogsBucket: accessLogs, serverAccessLogsPrefix: 'hyperpod-lifecycle-scripts/' } : {}),
    });
    suppressLifecycleBucketFindings(this.bucket, { accessLogs: accessLogs !== undefined });
    return this.bucket;
  }
}
