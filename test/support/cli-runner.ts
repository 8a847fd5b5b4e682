/**
 * Runs the `hyperpod-cdk` command two ways: in-process (`run()` with a client for the SageMaker
 * stand-in) and as the bundled bin in a child node process (SDK defaults from the environment).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FakeSageMaker } from './fake-sagemaker';
import { testClient } from './scale-down-driver';
import { ClientFactory } from '../../src/cli/client';
import { run } from '../../src/cli/run';

/** What one command run printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `run(argv)` in-process; the client is the stand-in's unless `clientFactory` is given. */
export async function runCli(fake: FakeSageMaker | undefined, argv: string[],
  options: { clientFactory?: ClientFactory; env?: Record<string, string | undefined> } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const clientFactory = options.clientFactory ?? (() => {
    if (!fake) {
      throw new Error('runCli: no stand-in and no client factory');
    }
    return testClient(fake);
  });
  const code = await run(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: options.env ?? {},
    clientFactory,
  });
  return { code, stdout, stderr };
}

/** The bundled bin, as `package.json` names it. */
export const CLI_BUNDLE = path.join(__dirname, '..', '..', 'assets', 'cli', 'main', 'index.js');

/** Runs the bundled bin with exactly `env` (plus PATH); rejects only when it cannot be started. */
export function runBundledCli(argv: string[], env: Record<string, string>): Promise<CliResult & { ms: number }> {
  if (!fs.existsSync(CLI_BUNDLE)) {
    throw new Error(`${CLI_BUNDLE} is missing: run "npx projen bundle" first`);
  }
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI_BUNDLE, ...argv], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (err as { code?: unknown }).code : 0;
        if (typeof code !== 'number') {
          reject(new Error(`child failed: ${err?.message}\n${stdout}\n${stderr}`));
        } else {
          resolve({ code, stdout, stderr, ms: Date.now() - started });
        }
      });
  });
}
