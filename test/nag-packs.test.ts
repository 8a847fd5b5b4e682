import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { HyperPodExampleStack } from '../examples/example-stack';
import { testApp } from './support/stacks';

/**
 * cdk-nag packs on the example stack: findings per pack, unsuppressed and suppressed, on the
 * library's own resources and on the others (the example's VPC and EKS cluster, and
 * aws-s3-deployment's stack-wide handler, whose findings the library leaves to the user).
 * The counts are printed so they can be watched.
 */

const PACKS = [
  { name: 'AwsSolutions', prefix: 'AwsSolutions-', make: () => new AwsSolutionsChecks({ verbose: true, logIgnores: true }) },
  { name: 'NIST 800-53 R5', prefix: 'NIST.800.53.R5-', make: () => new NIST80053R5Checks({ verbose: true, logIgnores: true }) },
  { name: 'HIPAA', prefix: 'HIPAA.Security-', make: () => new HIPAASecurityChecks({ verbose: true, logIgnores: true }) },
  { name: 'PCI DSS 3.2.1', prefix: 'PCI.DSS.321-', make: () => new PCIDSS321Checks({ verbose: true, logIgnores: true }) },
];

/** Constructs of hyperpod-cdk in the example; plus the rule it adds to the EKS cluster security group. */
function isLibrary(path: string): boolean {
  return /^\/HyperPodExample\/(HyperPod|HyperPodScaleDownProvider|HyperPodDependencies)\//.test(path)
    || /^\/HyperPodExample\/Eks\/ClusterSecurityGroup\/from HyperPodExampleHyperPodSecurityGroup/.test(path);
}

interface Finding { readonly path: string; readonly rule: string; readonly suppressed: boolean }

function findings(): Finding[] {
  const app = testApp();
  const stack: Stack = new HyperPodExampleStack(app, 'HyperPodExample');
  PACKS.forEach((p) => Aspects.of(stack).add(p.make()));
  const annotations = Annotations.fromStack(stack);
  const all = [
    ...annotations.findError('*', Match.anyValue()),
    ...annotations.findWarning('*', Match.anyValue()),
    ...annotations.findInfo('*', Match.stringLikeRegexp('^CdkNagSuppression')),
  ];
  return all.flatMap((m) => {
    const data = String(m.entry.data);
    const suppressed = data.startsWith('CdkNagSuppression');
    const rule = suppressed ? /: (\S+) was triggered but suppressed/.exec(data)?.[1] : /^([\w.-]+)(\[|:)/.exec(data)?.[1];
    return rule && PACKS.some((p) => rule.startsWith(p.prefix)) ? [{ path: m.id, rule, suppressed }] : [];
  });
}

const all = findings();

function count(pack: string, library: boolean, suppressed: boolean): number {
  return all.filter((f) => f.rule.startsWith(pack) && isLibrary(f.path) === library && f.suppressed === suppressed).length;
}

test('per-pack counts on the example stack (printed)', () => {
  const rows = PACKS.map((p) => ({
    pack: p.name,
    library: `${count(p.prefix, true, false)} unsuppressed / ${count(p.prefix, true, true)} suppressed`,
    others: `${count(p.prefix, false, false)} unsuppressed / ${count(p.prefix, false, true)} suppressed`,
  }));
  // eslint-disable-next-line no-console
  console.log(`cdk-nag on the example stack (library resources | others):\n${rows.map((r) => `  ${r.pack}: ${r.library} | ${r.others}`).join('\n')}`);
  expect(rows).toHaveLength(4);
});

test('AwsSolutions: no unsuppressed finding on the library\'s resources', () => {
  expect(all.filter((f) => f.rule.startsWith('AwsSolutions-') && isLibrary(f.path) && !f.suppressed)).toEqual([]);
});

test('NIST 800-53 R5, HIPAA, PCI DSS: only the lifecycle bucket\'s optional logging and KMS remain on the library\'s resources', () => {
  // The example passes neither lifecycleBucketAccessLogs nor lifecycleBucketEncryptionKey, so the
  // bucket's server access logging and SSE-KMS findings are real and stay visible (2 per pack);
  // everything else on the library's resources is fixed (versioning) or suppressed with a reason.
  for (const pack of ['NIST.800.53.R5-', 'HIPAA.Security-', 'PCI.DSS.321-']) {
    const open = all.filter((f) => f.rule.startsWith(pack) && isLibrary(f.path) && !f.suppressed);
    expect(open.map((f) => `${f.path}: ${f.rule}`).sort()).toEqual([
      `/HyperPodExample/HyperPod/LifecycleBucket/Resource: ${pack}S3BucketLoggingEnabled`,
      `/HyperPodExample/HyperPod/LifecycleBucket/Resource: ${pack}S3DefaultEncryptionKMS`,
    ]);
  }
});

test('outside the library\'s resources, only the example\'s own suppressions apply (EKS, aws-s3-deployment handler)', () => {
  const others = all.filter((f) => f.suppressed && !isLibrary(f.path));
  expect(others.filter((f) => !/^\/HyperPodExample\/(Eks\/|Custom::CDKBucketDeployment)/.test(f.path))).toEqual([]);
});

/** An action that can change something: not Describe/List/Get/BatchGet/BatchCheck (or a wildcard). */
function isMutating(action: string): boolean {
  const verb = action.split(':')[1] ?? '';
  return verb.includes('*') || !/^(Describe|List|Get|BatchGet|BatchCheck)/.test(verb);
}

test('IAM statements with `*` resources on a mutating action in the example (printed)', () => {
  const template = Template.fromStack(new HyperPodExampleStack(testApp(), 'HyperPodExample'));
  const resources = template.toJSON().Resources as Record<string, any>;
  const paths = Object.fromEntries(Object.entries(resources).map(([id, r]) => [id, String(r.Metadata?.['aws:cdk:path'] ?? id)]));
  const statements = Object.entries(resources).flatMap(([id, r]) => {
    const docs = r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy' ? [r.Properties.PolicyDocument]
      : r.Type === 'AWS::IAM::Role' ? (r.Properties.Policies ?? []).map((p: any) => p.PolicyDocument) : [];
    return docs.flatMap((d: any) => d.Statement.map((s: any) => ({ id, s })));
  });
  const list = (x: unknown) => (Array.isArray(x) ? x : [x]);
  const starMutating = statements.filter(({ s }) => s.Effect === 'Allow' && list(s.Resource).includes('*') && list(s.Action).some(isMutating));
  const library = starMutating.filter(({ id }) => isLibrary(`/${paths[id]}`));
  // eslint-disable-next-line no-console
  console.log(`IAM statements with * resources on a mutating action: ${starMutating.length} (library ${library.length}): `
    + JSON.stringify(starMutating.map(({ id, s }) => ({ id, actions: s.Action }))));
  expect(library).toEqual([]);
});
