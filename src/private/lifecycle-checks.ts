import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { throwIfProblems } from './errors';

/** Results of `bash -n` per file content, so a folder used by many groups is checked once. */
const syntaxChecked = new Map<string, string | undefined>();

/**
 * Checks a local lifecycle-script folder at synth time: the folder and the `onCreate` file
 * exist, and every `*.sh` file passes `bash -n`. Where no bash is found, the syntax check is
 * skipped with a warning. Throws one error listing every problem.
 */
export function checkScriptFolder(scope: IConstruct, folder: string, onCreate: string): void {
  const problems: string[] = [];
  const where = `lifecycleScripts (LifecycleScripts.fromAsset('${folder}'))`;
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throwIfProblems(scope, [`${where}: the folder does not exist or is not a directory`]);
  }
  problems.push(...onCreateProblems(folder, onCreate, where));
  const scripts = listFiles(folder).filter((file) => file.endsWith('.sh'));
  let bashMissing = false;
  for (const script of scripts) {
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

function onCreateProblems(folder: string, onCreate: string, where: string): string[] {
  if (onCreate.length < 1 || onCreate.length > 128) {
    return [`${where}: onCreate must be 1-128 characters (got '${onCreate}')`];
  }
  if (path.isAbsolute(onCreate) || onCreate.split(/[\\/]/).includes('..')) {
    return [`${where}: onCreate must be a path inside the folder (got '${onCreate}')`];
  }
  const file = path.join(folder, onCreate);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return [`${where}: onCreate file '${onCreate}' does not exist in the folder`];
  }
  return [];
}

function listFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return listFiles(full);
    return entry.isFile() ? [full] : [];
  });
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
