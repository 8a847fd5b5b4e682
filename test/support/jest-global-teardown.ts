/** jest `globalTeardown`: removes the temp dir of jest-global-setup.ts. */
import * as fs from 'fs';

export default function globalTeardown(): void {
  const dir = process.env.HYPERPOD_CDK_JEST_TMPDIR;
  if (dir) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
