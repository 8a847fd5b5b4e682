/**
 * cfn-lint over the example app's template and every integ snapshot template, when cfn-lint is
 * installed (these machines have it; elsewhere the test is skipped, so CI passes without it).
 *
 * One known schema lag is allowed: cfn-lint 1.51's bundled schema still requires `InstanceType`
 * on every `AWS::SageMaker::Cluster` instance group and does not know `InstanceRequirements`,
 * which the current CloudFormation registry schema accepts (shared/reference/hyperpod-api.md
 * section 7). integ-runner's empty assertion stacks (`*DeployAssert*`) have no Resources and
 * are left out. Every other error fails the test; warnings are counted and printed.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { exampleApp } from '../examples/example-stack';

const available = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
const lintTest = available ? test : test.skip;

/** Findings cfn-lint reports against a template the current CloudFormation schema accepts. */
const SCHEMA_LAG = [
  /E3003:'InstanceType' is a required property/,
  /E3002:Additional properties are not allowed \('InstanceRequirements' was unexpected\)/,
  // cfn-lint 1.51's bundled schemas predate these group fields and task governance (aws-cdk-lib
  // 2.276's generated L1 has them: ClusterInstanceGroupProperty.imageReleaseVersion/autoPatchConfig,
  // CfnClusterSchedulerConfig, CfnComputeQuota)
  /E3002:Additional properties are not allowed \('(ImageReleaseVersion|AutoPatchConfig)' was unexpected\)/,
  /E3006:Resource type 'AWS::SageMaker::(ClusterSchedulerConfig|ComputeQuota)' does not exist/,
];

function integTemplates(): string[] {
  const integ = path.join(__dirname, '..', 'integ');
  return fs.readdirSync(integ).filter((d) => d.endsWith('.snapshot')).flatMap((d) =>
    fs.readdirSync(path.join(integ, d))
      .filter((f) => f.endsWith('.template.json') && !f.includes('DeployAssert'))
      .map((f) => path.join(integ, d, f)));
}

lintTest('cfn-lint: no error on the example app and the integ snapshots (beyond the known schema lag)', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperpod-cfn-lint-'));
  try {
    const assembly = exampleApp(outdir).synth();
    const templates = [...assembly.stacks.map((s) => path.join(outdir, s.templateFile)), ...integTemplates()];
    const run = spawnSync('cfn-lint', ['--format', 'parseable', ...templates], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const lines = run.stdout.split('\n').filter((l) => l.trim() !== '');
    const errors = lines.filter((l) => /:E\d{4}:/.test(l));
    const unexpected = errors.filter((l) => !SCHEMA_LAG.some((re) => re.test(l)));
    const warnings = lines.filter((l) => /:W\d{4}:/.test(l));
    console.log(`cfn-lint over ${templates.length} templates: ${errors.length} errors (${errors.length - unexpected.length} known `
      + `schema lag), ${warnings.length} warnings`);
    expect(unexpected).toEqual([]);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 300_000);
