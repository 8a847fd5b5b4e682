/**
 * integ.snapshot-spot (snapshot only): Spot and On-Demand groups side by side.
 *
 * What it proves: `capacityType: CapacityType.SPOT` renders `CapacityRequirements: { Spot: {} }`
 * on its group, `CapacityType.ON_DEMAND` renders `{ OnDemand: {} }`, and a group without the
 * option has no `CapacityRequirements` (HyperPod's default, On-Demand). Autoscaling has its own
 * snapshot (integ.snapshot-autoscaling). It is never deployed (see support/snapshot-only.ts).
 *
 * Verify: `npx projen integ` compares the synthesized templates with
 * integ.snapshot-spot.ts.snapshot/ and prints a diff on any change. By hand, open
 * integ.snapshot-spot.ts.snapshot/HyperPodSnapshotSpot.template.json and look at
 * `CapacityRequirements` of the groups "spot", "on-demand" and "default".
 */
import { CapacityType, HyperPodEksCluster, InstanceType } from '../src';
import { snapshotOnlyTest, snapshotStack } from './support/snapshot-only';

const { app, stack, eksCluster } = snapshotStack('HyperPodSnapshotSpot');

const cluster = new HyperPodEksCluster(stack, 'HyperPod', { eksCluster });
cluster.addInstanceGroup('Spot', {
  instanceGroupName: 'spot',
  instanceType: InstanceType.ML_G5_8XLARGE,
  instanceCount: 4,
  capacityType: CapacityType.SPOT,
});
cluster.addInstanceGroup('OnDemand', {
  instanceGroupName: 'on-demand',
  instanceType: InstanceType.ML_G5_8XLARGE,
  instanceCount: 1,
  capacityType: CapacityType.ON_DEMAND,
});
cluster.addInstanceGroup('Default', { instanceGroupName: 'default', instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 1 });

snapshotOnlyTest(app, 'HyperPodSnapshotSpotTest', stack);
app.synth();
