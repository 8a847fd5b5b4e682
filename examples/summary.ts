// Prints what a person wants to see of the synthesized example: the HyperPod cluster, its
// instance groups, where the lifecycle scripts come from, and the resources by type.
import * as fs from 'fs';
import * as path from 'path';

interface Resource { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any> }

const outdir = process.argv[2] ?? 'cdk.out';
const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
const stacks = Object.entries<any>(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');

for (const [name, artifact] of stacks) {
  const templateFile = path.join(outdir, artifact.properties.templateFile);
  const template = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
  const resources = Object.entries<Resource>(template.Resources ?? {});
  console.log(`Stack ${name}: ${path.relative(process.cwd(), templateFile)}`);
  for (const [logicalId, cluster] of resources.filter(([, r]) => r.Type === 'AWS::SageMaker::Cluster')) {
    const p = cluster.Properties ?? {};
    console.log(`  HyperPod cluster ${logicalId}`);
    console.log(`    name:              ${show(p.ClusterName)}`);
    console.log(`    provisioning mode: ${show(p.NodeProvisioningMode ?? 'legacy (not set)')}`);
    console.log(`    node recovery:     ${show(p.NodeRecovery)}`);
    console.log('    instance groups:');
    for (const g of p.InstanceGroups ?? []) {
      const type = g.InstanceType ?? `one of ${(g.InstanceRequirements?.InstanceTypes ?? []).join(', ')}`;
      console.log(`      - ${g.InstanceGroupName}: ${g.InstanceCount} x ${type}`);
      console.log(`        lifecycle scripts: ${show(g.LifeCycleConfig?.SourceS3Uri)} -> ${g.LifeCycleConfig?.OnCreate}${scriptSource(resources, g.LifeCycleConfig?.SourceS3Uri)}`);
    }
  }
  const byType = new Map<string, number>();
  for (const [, r] of resources) byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
  console.log(`  resources (${resources.length}):`);
  for (const [type, count] of [...byType.entries()].sort()) {
    console.log(`    ${String(count).padStart(3)} ${type}`);
  }
}

/** Renders CloudFormation intrinsics readably: {"Ref": "X"} -> ${X}. */
function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, any>;
    if ('Ref' in v) return `\${${v.Ref}}`;
    if ('Fn::GetAtt' in v) return `\${${v['Fn::GetAtt'].join('.')}}`;
    if ('Fn::Join' in v) return v['Fn::Join'][1].map(show).join(v['Fn::Join'][0]);
  }
  return JSON.stringify(value);
}

/** Where a lifecycle-script prefix is filled from: the deploying resource and the asset's files. */
function scriptSource(resources: Array<[string, Resource]>, uri: unknown): string {
  const prefix = /lifecycle-scripts\/[0-9a-f]+\//.exec(show(uri))?.[0];
  const deployment = resources.find(([, r]) => r.Type === 'Custom::CDKBucketDeployment' && r.Properties?.DestinationBucketKeyPrefix === prefix);
  if (!deployment) return '';
  const key: string = deployment[1].Properties?.SourceObjectKeys?.[0] ?? '';
  const assetDir = path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
  const files = fs.existsSync(assetDir) ? listFiles(assetDir).map((f) => path.relative(assetDir, f)) : [];
  const firstComment = files.includes('on_create.sh')
    ? fs.readFileSync(path.join(assetDir, 'on_create.sh'), 'utf8').split('\n').find((l) => l.startsWith('# '))?.slice(2)
    : undefined;
  return `\n          from local folder asset ${key.slice(0, 12)} (files: ${files.join(', ')})${firstComment ? `\n          "${firstComment}"` : ''}`;
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
