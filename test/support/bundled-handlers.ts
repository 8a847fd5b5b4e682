/**
 * Runs the bundled Lambda entries (`assets/handlers/<name>.lambda/index.js`) in a
 * child node process, the way Lambda would: SDK defaults, with `AWS_ENDPOINT_URL_SAGEMAKER`
 * pointing the client at the SageMaker stand-in (and `env`, e.g. `AWS_ENDPOINT_URL_EKS`, at others).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { type HandlerRequest } from '../../src/handlers/request';

const ASSETS = path.join(__dirname, '..', '..', 'assets', 'handlers');

function bundle(name: 'on-event' | 'is-complete'): string {
  const file = path.join(ASSETS, `${name}.lambda`, 'index.js');
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: run "npx projen bundle" first`);
  }
  return file;
}

/**
 * Calls the bundled `handler(event)`; resolves with its result, or `{ error: message }` when it throws.
 * @param f the SageMaker stand-in (`undefined`: none)
 * @param env further variables of the child process
 */
export function invokeBundled(name: 'on-event' | 'is-complete', f: { readonly url: string } | undefined, event: HandlerRequest,
  env: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const script = `require(${JSON.stringify(bundle(name))}).handler(${JSON.stringify(event)})` +
    '.then((r) => process.stdout.write("\\nRESULT " + JSON.stringify(r)), (e) => process.stdout.write("\\nRESULT " + JSON.stringify({ error: e.message })))';
  const childEnv = {
    PATH: process.env.PATH ?? '',
    ...(f ? { AWS_ENDPOINT_URL_SAGEMAKER: f.url } : {}),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    ...env,
  };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { env: childEnv, timeout: 30_000 }, (err, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (err || !line) {
        reject(new Error(`child failed: ${err?.message ?? ''}\n${stdout}\n${stderr}`));
      } else {
        resolve(JSON.parse(line.slice('RESULT '.length)));
      }
    });
  });
}
