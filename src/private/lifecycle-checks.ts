import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { throwIfProblems } from './errors';

/** Results of `bash -n` per file content, so a folder used by many groups is checked once. */
const syntaxChecked = new Map<string, string | undefined>();

/**
 * Checks a local lifecycle-script folder at synth time: the folder and the `onCreate` file
 * exist, no symbolic link points outside the folder (CDK would copy its target into the
 * deployed scripts), the `*.sh` files and the `onCreate` file have LF line endings, and every
 * `*.sh` file passes `bash -n`. Where no bash is found, the syntax check is skipped with a
 * warning. Throws one error listing every problem.
 */
export function checkScriptFolder(scope: IConstruct, folder: string, onCreate: string, prop = 'onCreate'): void {
  const problems: string[] = [];
  const where = `lifecycleScripts (LifecycleScripts.fromAsset('${folder}'))`;
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throwIfProblems(scope, [`${where}: the folder does not exist or is not a directory`]);
  }
  problems.push(...onCreateProblems(folder, onCreate, where, prop));
  const { files, links } = listEntries(folder);
  problems.push(...outsideLinkProblems(folder, links, where));
  const onCreateFile = path.join(folder, onCreate);
  const scripts = files.filter((file) => file.endsWith('.sh') || file === onCreateFile);
  let bashMissing = false;
  for (const script of scripts) {
    const crlf = crlfLine(script);
    if (crlf !== undefined) {
      problems.push(`${where}: ${path.relative(folder, script)} must have LF line endings: bash reads the '\\r' of a CRLF (Windows) line `
        + `ending as part of the command, so 'set -o pipefail\\r' fails (got CRLF from line ${crlf}); convert it, for example with dos2unix`);
      continue;
    }
    if (!script.endsWith('.sh')) continue;
    const result = bashSyntax(script);
    if (result === 'no-bash') {
      bashMissing = true;
    } else if (result) {
      problems.push(`${where}: ${path.relative(folder, script)} fails 'bash -n': ${result}`);
    }
  }
  if (bashMissing) {
    Annotations.of(scope).addWarningV2('hyperpod-cdk:lifecycleScriptsNotChecked',
      `bash was not found, so the syntax of the *.sh files in ${folder} was not checked`);
  }
  throwIfProblems(scope, problems);
}

function onCreateProblems(folder: string, onCreate: string, where: string, prop: string): string[] {
  if (onCreate.length < 1 || onCreate.length > 128) {
    return [`${where}: ${prop} must be 1-128 characters (got '${onCreate}')`];
  }
  if (path.isAbsolute(onCreate) || onCreate.split(/[\\/]/).includes('..')) {
    return [`${where}: ${prop} must be a path inside the folder (got '${onCreate}')`];
  }
  const file = path.join(folder, onCreate);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return [`${where}: ${prop} file '${onCreate}' does not exist in the folder`];
  }
  return [];
}

/** The regular files and the symbolic links under a folder (links are not followed). */
function listEntries(folder: string): { files: string[]; links: string[] } {
  const files: string[] = [];
  const links: string[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      const inner = listEntries(full);
      files.push(...inner.files);
      links.push(...inner.links);
    } else if (entry.isSymbolicLink()) {
      links.push(full);
    } else if (entry.isFile()) {
      files.push(full);
    }
  }
  return { files, links };
}

/** Symbolic links whose target (after every link on the way) is not inside the folder. */
function outsideLinkProblems(folder: string, links: string[], where: string): string[] {
  const root = fs.realpathSync(folder);
  const problems: string[] = [];
  for (const link of links) {
    const target = fs.readlinkSync(link);
    let resolved: string;
    try {
      resolved = fs.realpathSync(link);
    } catch {
      resolved = path.resolve(path.dirname(link), target); // a dangling link
    }
    if (resolved !== root && !resolved.startsWith(root + path.sep)) {
      problems.push(`${where}: ${path.relative(folder, link)} must not be a symbolic link to outside the folder: CDK would copy `
        + `its target into the scripts deployed to every node (got a link to '${target}'); copy the file into the folder instead`);
    }
  }
  return problems;
}

/** The first line (from 1) that ends with CRLF, if any. */
function crlfLine(file: string): number | undefined {
  const content = fs.readFileSync(file, 'utf8');
  const at = content.indexOf('\r\n');
  return at < 0 ? undefined : content.slice(0, at).split('\n').length;
}

/** A key of `LifecycleScripts.fromBucket`, relative to its base: no leading `/`, no `//`, no `..` segment. */
function badKey(key: string): boolean {
  return key.startsWith('/') || key.includes('//') || key.split('/').includes('..');
}

/**
 * The `prefix` and `onCreate` of `LifecycleScripts.fromBucket`: relative keys, since HyperPod
 * joins them to the bucket and the node's copy of the folder (tokens are not judged).
 */
export function checkBucketKeys(prefix: string, onCreate: string): string[] {
  const where = `lifecycleScripts (LifecycleScripts.fromBucket(bucket, '${prefix}', '${onCreate}'))`;
  const problems: string[] = [];
  if (!Token.isUnresolved(prefix) && badKey(prefix)) {
    problems.push(`${where}: prefix must be a key prefix without a leading '/', '//' or a '..' segment, such as 'lifecycle/v3/' (got '${prefix}')`);
  }
  if (!Token.isUnresolved(onCreate)) {
    if (onCreate.length < 1 || onCreate.length > 128) {
      problems.push(`${where}: onCreate must be 1-128 characters (got '${onCreate}')`);
    } else if (badKey(onCreate)) {
      problems.push(`${where}: onCreate must be a path inside the prefix, without a leading '/', '//' or a '..' segment, such as 'on_create.sh' (got '${onCreate}')`);
    }
  }
  return problems;
}

/** `undefined` when the syntax is fine, `'no-bash'` when bash is missing, else bash's message. */
function bashSyntax(file: string): string | undefined {
  const content = fs.readFileSync(file, 'utf8');
  if (syntaxChecked.has(content)) {
    return syntaxChecked.get(content);
  }
  const run = spawnSync('bash', ['-n'], { input: content, encoding: 'utf8', env: process.env });
  let result: string | undefined;
  if (run.error) {
    result = (run.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no-bash' : run.error.message;
  } else if (run.status !== 0) {
    result = run.stderr.trim().replace(/^bash: /, '').replace(/\s+/g, ' ');
  }
  syntaxChecked.set(content, result);
  return result;
}
