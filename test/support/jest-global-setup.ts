/**
 * jest `globalSetup`: a temp dir of the run's own. Every `App` without an `outdir` synthesizes
 * into a new `cdk.out*` directory under the temp dir and never removes it (about 3 GB per
 * `npm test`); jest-global-teardown.ts removes this one. Test workers start after this runs,
 * so they inherit TMPDIR.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export default function globalSetup(): void {
  process.env.HYPERPOD_CDK_JEST_TMPDIR = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperpod-cdk-jest-'));
  process.env.TMPDIR = process.env.HYPERPOD_CDK_JEST_TMPDIR;
}
