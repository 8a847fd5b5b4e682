/**
 * Command-line arguments of `hyperpod-cdk`: pure parsing into a typed command, with usage
 * errors that name the argument and say what is expected. No AWS here.
 */
import {
  DEFAULT_SCALE_DOWN_ORDER, DRIFT_POLICIES, DriftPolicyValue, INSTANCE_ID_DESCRIPTION, INSTANCE_ID_PATTERN, MAX_INSTANCE_IDS_PER_CALL,
  SCALE_DOWN_ORDERS, ScaleDownOrderValue,
} from '../contract/scale-down';

/** The program name in messages and usage. */
export const PROGRAM = 'hyperpod-cdk';

/** Options every AWS command takes. */
export interface CommonOptions {
  /** Exact cluster name (or ARN). */
  readonly cluster: string;
  /** `--region`; else the SDK's default (AWS_REGION, the profile's region). */
  readonly region?: string;
  /** `--profile`; else the SDK's default (AWS_PROFILE, then `default`). */
  readonly profile?: string;
  /** `--json`: one JSON document on stdout instead of text. */
  readonly json: boolean;
}

/** `status <cluster>`. */
export interface StatusCommand extends CommonOptions {
  readonly kind: 'status';
  /** Recent cluster events to show, 0-100. */
  readonly events: number;
}

/** `plan <cluster> --group G --count N`. */
export interface PlanCommand extends CommonOptions {
  readonly kind: 'plan';
  readonly group: string;
  /** The node count the group should keep (the construct's `instanceCount`). */
  readonly count: number;
  /** `--remove`: instance ids to remove first, in order. */
  readonly remove: string[];
  readonly order: ScaleDownOrderValue;
  /** Instance ids per BatchDeleteClusterNodes call, 1-99. */
  readonly chunkSize: number;
  /** `--previous-count`: the deployed instanceCount; else the group's TargetCount stands for it. */
  readonly previousCount?: number;
  /** `--drift`: the group's `scaleDown.drift`. */
  readonly drift: DriftPolicyValue;
}

/** `--help`, `help [command]`, or no arguments at all. */
export interface HelpCommand {
  readonly kind: 'help';
  readonly topic?: 'status' | 'plan';
}

export type Command = StatusCommand | PlanCommand | HelpCommand;

/** Default number of events `status` shows. */
export const DEFAULT_EVENTS = 10;
/** `ListClusterEvents` answers at most 100 events a call. */
export const MAX_EVENTS = 100;

/** Bad command-line arguments (exit code 2). */
export class UsageError extends Error {
  constructor(message: string, public readonly topic?: 'status' | 'plan') {
    super(message);
    this.name = 'UsageError';
  }
}

const COMMON_HELP = [
  '  --region R      AWS Region of the cluster (default: AWS_REGION, or the profile\'s region)',
  '  --profile P     named profile from ~/.aws/config (default: AWS_PROFILE, or the default chain)',
  '  --json          print one JSON document instead of text',
  '  -h, --help      show this help',
];

const STATUS_HELP = [
  `Usage: ${PROGRAM} status <cluster> [--events N] [--json] [--region R] [--profile P]`,
  '',
  'Shows the cluster, each instance group\'s target and current count, its nodes by status,',
  'the nodes that are not Running (with their status message), and the recent cluster events.',
  '',
  `  --events N      recent cluster events to show, 0-${MAX_EVENTS} (default ${DEFAULT_EVENTS})`,
  ...COMMON_HELP,
];

const PLAN_HELP = [
  `Usage: ${PROGRAM} plan <cluster> --group G --count N [--previous-count P] [--remove i-... ...]`,
  `       [--order ${SCALE_DOWN_ORDERS.join('|')}] [--chunk-size 1-${MAX_INSTANCE_IDS_PER_CALL}] [--drift ${DRIFT_POLICIES.join('|')}]`,
  '       [--json] [--region R] [--profile P]',
  '',
  'Shows what a deployment that changes instance group G\'s instanceCount from P to N would',
  'remove, why each node was chosen, and the BatchDeleteClusterNodes calls, with the same code',
  'as the construct\'s custom resource (drift refusal included). Read-only: it changes nothing.',
  '',
  '  --group G       exact instance group name',
  '  --count N       the group\'s new instanceCount, 0 or more',
  '  --previous-count P  the deployed instanceCount (default: the group\'s TargetCount, which',
  '                  hides drift: nodes added outside the stack)',
  '  --drift D       Refuse (default) or Remove (scaleDown.drift)',
  '  --remove IDS    instance ids to remove first (scaleDown.removeNodeIds); several may follow',
  '                  one --remove, separated by spaces or commas',
  '  --order O       NewestFirst (default) or OldestFirst (scaleDown.order)',
  `  --chunk-size C  instance ids per BatchDeleteClusterNodes call, 1-${MAX_INSTANCE_IDS_PER_CALL} (default ${MAX_INSTANCE_IDS_PER_CALL})`,
  ...COMMON_HELP,
];

const MAIN_HELP = [
  `Usage: ${PROGRAM} <command> [options]`,
  '',
  'Commands (read-only; AWS credentials from the default chain):',
  '  status <cluster>                     groups, nodes by status, failures and recent events',
  '  plan <cluster> --group G --count N   which nodes a scale-down to N would remove, and why',
  '',
  `Run "${PROGRAM} <command> --help" for a command's options.`,
  'Exit codes: 0 success, 1 error (cluster or group missing, credentials, AWS), 2 bad arguments.',
];

/** The help text of a command, or of the program. */
export function usage(topic?: 'status' | 'plan'): string {
  const lines = topic === 'status' ? STATUS_HELP : topic === 'plan' ? PLAN_HELP : MAIN_HELP;
  return `${lines.join('\n')}\n`;
}

type Flag = 'events' | 'group' | 'count' | 'previous-count' | 'remove' | 'order' | 'chunk-size' | 'drift' | 'region' | 'profile' | 'json' | 'help';

const VALUE_FLAGS: ReadonlySet<Flag> = new Set<Flag>(['events', 'group', 'count', 'previous-count', 'order', 'chunk-size', 'drift', 'region', 'profile']);
const FLAGS_OF: Record<'status' | 'plan', ReadonlySet<Flag>> = {
  status: new Set<Flag>(['events', 'region', 'profile', 'json', 'help']),
  plan: new Set<Flag>(['group', 'count', 'previous-count', 'remove', 'order', 'chunk-size', 'drift', 'region', 'profile', 'json', 'help']),
};
const ALL_FLAGS: ReadonlySet<string> = new Set([...FLAGS_OF.status, ...FLAGS_OF.plan]);

/** An integer in [min, max] from a flag value, or a usage error naming the flag. */
function integer(flag: string, value: string, min: number, max: number, topic: 'status' | 'plan'): number {
  const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer of ${min} or more` : `an integer from ${min} to ${max}`;
    throw new UsageError(`--${flag} must be ${range}, got "${value}"`, topic);
  }
  return n;
}

/** `value` as one of `choices`, ignoring case, '-' and '_' (the construct's NEWEST_FIRST, newest-first); `aliases` add spellings. */
function oneOf<T extends string>(flag: string, value: string, choices: readonly T[], aliases: Record<string, T> = {}): T {
  const key = (v: string) => v.replace(/[-_]/g, '').toLowerCase();
  const found = choices.find((c) => key(c) === key(value)) ?? aliases[key(value)];
  if (found === undefined) {
    throw new UsageError(`${flag} must be ${choices.join(' or ')}, got "${value}"`, 'plan');
  }
  return found;
}

function order(value: string): ScaleDownOrderValue {
  return oneOf('--order', value, SCALE_DOWN_ORDERS);
}

/**
 * Parses the arguments after the program name. Flags take `--flag value` or `--flag=value`;
 * `--remove` takes every following argument up to the next flag. Throws `UsageError`.
 */
export function parseArgs(argv: readonly string[]): Command {
  const args = [...argv];
  const first = args.shift();
  if (first === undefined) {
    throw new UsageError('missing a command: status or plan');
  }
  if (first === '-h' || first === '--help' || first === 'help') {
    const topic = first === 'help' ? args[0] : undefined;
    if (topic !== undefined && topic !== 'status' && topic !== 'plan') {
      throw new UsageError(`unknown command "${topic}": expected status or plan`);
    }
    return { kind: 'help', topic };
  }
  if (first !== 'status' && first !== 'plan') {
    throw new UsageError(first.startsWith('-')
      ? `expected a command (status or plan) before "${first}"`
      : `unknown command "${first}": expected status or plan`);
  }
  const command = first;
  const allowed = FLAGS_OF[command];
  const values = new Map<Flag, string>();
  const remove: string[] = [];
  const positional: string[] = [];
  let json = false;
  let help = false;

  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1) {
        throw new UsageError(`unknown option "${arg}"`, command);
      }
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = (eq < 0 ? arg.slice(2) : arg.slice(2, eq)) as Flag;
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if (!allowed.has(name)) {
      throw new UsageError(ALL_FLAGS.has(name)
        ? `option --${name} is not valid for "${command}"`
        : `unknown option "${eq < 0 ? arg : arg.slice(0, eq)}"`, command);
    }
    if (name === 'json' || name === 'help') {
      if (inline !== undefined) {
        throw new UsageError(`--${name} takes no value`, command);
      }
      json ||= name === 'json';
      help ||= name === 'help';
    } else if (name === 'remove') {
      const given = inline !== undefined ? [inline] : [];
      while (args.length > 0 && !args[0].startsWith('-')) {
        given.push(args.shift()!);
      }
      const ids = given.flatMap((g) => g.split(',')).map((id) => id.trim()).filter((id) => id !== '');
      if (ids.length === 0) {
        throw new UsageError('--remove needs at least one instance id (i-...)', command);
      }
      remove.push(...ids);
    } else if (VALUE_FLAGS.has(name)) {
      const value = inline ?? (args.length > 0 && !args[0].startsWith('--') ? args.shift() : undefined);
      if (value === undefined || value === '') {
        throw new UsageError(`--${name} needs a value`, command);
      }
      if (values.has(name)) {
        throw new UsageError(`--${name} was given twice`, command);
      }
      values.set(name, value);
    }
  }

  if (help) {
    return { kind: 'help', topic: command };
  }
  if (positional.length === 0) {
    throw new UsageError(`missing the cluster name: ${PROGRAM} ${command} <cluster>`, command);
  }
  if (positional.length > 1) {
    throw new UsageError(`expected one cluster name, got ${positional.map((p) => `"${p}"`).join(', ')}`, command);
  }
  const common = { cluster: positional[0], region: values.get('region'), profile: values.get('profile'), json };

  if (command === 'status') {
    const events = values.get('events');
    return { kind: 'status', ...common, events: events === undefined ? DEFAULT_EVENTS : integer('events', events, 0, MAX_EVENTS, command) };
  }

  const missing = (['group', 'count'] as const).filter((f) => !values.has(f)).map((f) => `--${f}`);
  if (missing.length > 0) {
    throw new UsageError(`plan needs ${missing.join(' and ')}: ${PROGRAM} plan <cluster> --group G --count N`, command);
  }
  const invalid = remove.filter((id) => !INSTANCE_ID_PATTERN.test(id));
  if (invalid.length > 0) {
    throw new UsageError(`--remove takes instance ids, each ${INSTANCE_ID_DESCRIPTION}, got ` +
      `${invalid.map((id) => `"${id}"`).join(', ')}`, command);
  }
  const chunkSize = values.get('chunk-size');
  const orderValue = values.get('order');
  const previous = values.get('previous-count');
  return {
    kind: 'plan',
    ...common,
    group: values.get('group')!,
    count: integer('count', values.get('count')!, 0, Number.MAX_SAFE_INTEGER, command),
    remove: [...new Set(remove)],
    order: orderValue === undefined ? DEFAULT_SCALE_DOWN_ORDER : order(orderValue),
    chunkSize: chunkSize === undefined ? MAX_INSTANCE_IDS_PER_CALL : integer('chunk-size', chunkSize, 1, MAX_INSTANCE_IDS_PER_CALL, command),
    previousCount: previous === undefined ? undefined : integer('previous-count', previous, 0, Number.MAX_SAFE_INTEGER, command),
    drift: drift(values.get('drift') ?? DRIFT_POLICIES[0]),
  };
}

function drift(value: string): DriftPolicyValue {
  return oneOf('--drift', value, DRIFT_POLICIES, { removeextranodes: 'Remove' }); // the construct's REMOVE_EXTRA_NODES
}
