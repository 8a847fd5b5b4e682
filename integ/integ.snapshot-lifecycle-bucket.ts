/**
 * integ.snapshot-lifecycle-bucket (snapshot only): lifecycle scripts from the user's bucket.
 *
 * What it proves: with `LifecycleScripts.fromBucket(bucket, prefix, onCreate)` as the cluster
 * default, no bucket and no `Custom::CDKBucketDeployment` is created; `LifeCycleConfig` points
 * at `s3://<bucket>/<prefix>/` (a missing trailing slash is added) and the execution role may
 * list the bucket and read the prefix, and decrypt with the bucket's KMS key. A second group
 * uses another prefix of the same bucket and gets its own read grant. It is never deployed
 * (see support/snapshot-only.ts).
 *
 * Verify: `npx projen integ` compares the synthesized templates with
 * integ.snapshot-lifecycle-bucket.ts.snapshot/ and prints a diff on any change. By hand, open
 * integ.snapshot-lifecycle-bucket.ts.snapshot/HyperPodSnapshotLifecycleBucket.template.json:
 * `SourceS3Uri` is s3://sagemaker-integ-lifecycle/lifecycle/v3/ and .../lifecycle/debug/, and
 * there is no AWS::S3::Bucket resource.
 */
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HyperPodEksCluster, InstanceType, LifecycleScripts } from '../src';
import { snapshotOnlyTest, snapshotStack } from './support/snapshot-only';

const { app, stack, eksCluster } = snapshotStack('HyperPodSnapshotLifecycleBucket');

const bucket = s3.Bucket.fromBucketAttributes(stack, 'Scripts', {
  bucketName: 'sagemaker-integ-lifecycle',
  encryptionKey: kms.Key.fromKeyArn(stack, 'ScriptsKey', 'arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d'),
});
const cluster = new HyperPodEksCluster(stack, 'HyperPod', {
  eksCluster,
  lifecycleScripts: LifecycleScripts.fromBucket(bucket, 'lifecycle/v3', 'on_create.sh'),
});
cluster.addInstanceGroup('Workers', { instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 2 });
cluster.addInstanceGroup('Debug', {
  instanceType: InstanceType.ML_M5_XLARGE,
  instanceCount: 1,
  lifecycleScripts: LifecycleScripts.fromBucket(bucket, 'lifecycle/debug/', 'on_create_debug.sh'),
});

snapshotOnlyTest(app, 'HyperPodSnapshotLifecycleBucketTest', stack);
app.synth();
