#!/usr/bin/env node
/**
 * Entry of the `hyperpod-cdk` command (bundled with the AWS SDK by esbuild into
 * `assets/cli/main/index.js`, the package's `bin`).
 */
import { run } from './run';

// The bundled SDK's notice about its own future Node.js support says nothing a user of this
// command can act on; a user who sets the variable keeps their choice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`hyperpod-cdk: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
