/**
 * The command-line tool as a function: arguments in, text out, exit code back. `main.ts` calls
 * it with the process's streams; tests call it in-process with a client for the stand-in.
 */
import { Command, parseArgs, PROGRAM, UsageError, usage } from './args';
import { ClientFactory, createCliClient, resolveRegion } from './client';
import { explain } from './errors';
import { formatPlan, gatherPlan, planErrorMessage, planJson } from './plan';
import { formatStatus, gatherStatus, statusJson } from './status';
import { SageMakerHyperPodApi } from '../domain/sagemaker';

/** Exit codes. */
export const EXIT_OK = 0;
/** Missing cluster or group, credentials, Region, AWS errors, a plan a deployment would reject. */
export const EXIT_ERROR = 1;
/** Bad command-line arguments. */
export const EXIT_USAGE = 2;

/** Where output goes (a stream, or a test's buffer). */
export interface Output {
  write(text: string): unknown;
}

/** What `run` needs from its surroundings. */
export interface RunDeps {
  readonly stdout: Output;
  readonly stderr: Output;
  /** The environment, for messages (AWS_PROFILE); the SDK itself reads `process.env`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default the SDK's default client with `--region` and `--profile` */
  readonly clientFactory?: ClientFactory;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Runs one command line (without the program name) and returns the exit code; never throws. */
export async function run(argv: readonly string[], deps: RunDeps): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      const help = err.topic ? `${PROGRAM} ${err.topic} --help` : `${PROGRAM} --help`;
      deps.stderr.write(argv.length === 0 ? `${PROGRAM}: ${err.message}\n\n${usage()}` : `${PROGRAM}: ${err.message}\nRun "${help}" for usage.\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
  if (command.kind === 'help') {
    deps.stdout.write(usage(command.topic));
    return EXIT_OK;
  }

  const env = deps.env ?? process.env;
  const ctx = { cluster: command.cluster, command: command.kind, profile: command.profile ?? env.AWS_PROFILE, region: command.region };
  let client: ReturnType<ClientFactory> | undefined;
  try {
    client = (deps.clientFactory ?? createCliClient)({ region: command.region, profile: command.profile });
    const region = await resolveRegion(client);
    ctx.region = region;
    const api = new SageMakerHyperPodApi(client);
    if (command.kind === 'status') {
      const model = await gatherStatus(api, command.cluster, { events: command.events, region });
      deps.stdout.write(command.json ? json(statusJson(model)) : formatStatus(model));
      return EXIT_OK;
    }
    const model = await gatherPlan(api, command, region);
    if (command.json) {
      deps.stdout.write(json(planJson(model)));
    }
    if (model.choice.errors.length > 0) {
      deps.stderr.write(`${PROGRAM}: error: ${planErrorMessage(model)}\n` +
        'A deployment with this instanceCount and these scaleDown options would fail before removing anything.\n');
      return EXIT_ERROR;
    }
    if (!command.json) {
      deps.stdout.write(formatPlan(model));
    }
    return EXIT_OK;
  } catch (err) {
    deps.stderr.write(`${PROGRAM}: error: ${explain(err, ctx)}\n`);
    return EXIT_ERROR;
  } finally {
    client?.destroy();
  }
}
