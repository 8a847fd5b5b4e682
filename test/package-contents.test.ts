/**
 * What ships in the npm package: `lib/` is compiled from the construct side only. The deploy
 * side (`src/handlers/`), the SageMaker/EKS domain (`src/domain/`) and the command-line tool
 * (`src/cli/`) run as bundles from `assets/` and are left out of the package (`.npmignore`),
 * because their compiled modules would require devDependencies users do not install. This test
 * follows every import from `src/index.ts` and holds the construct side to that.
 */
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const shipped = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);

/** Every module `file` imports (relative ones resolved to files), type-only imports included. */
function importsOf(file: string): { local: string[]; packages: string[] } {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  const local: string[] = [];
  const packages: string[] = [];
  for (const { fileName } of info.importedFiles) {
    if (fileName.startsWith('.')) {
      const base = path.resolve(path.dirname(file), fileName);
      const found = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
      if (!found) throw new Error(`${path.relative(ROOT, file)} imports ${fileName}, which is not a file`);
      local.push(found);
    } else {
      packages.push(fileName.startsWith('@') ? fileName.split('/').slice(0, 2).join('/') : fileName.split('/')[0]);
    }
  }
  return { local, packages };
}

/** The files reachable from `entry`, each with the packages it imports. */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    const { local, packages } = importsOf(file);
    seen.set(file, packages);
    queue.push(...local);
  }
  return seen;
}

const constructSide = reachable(path.join(SRC, 'index.ts'));
const rel = (f: string) => path.relative(ROOT, f);

test('the construct side never imports the handlers, the domain or the command-line tool', () => {
  const leaks = [...constructSide.keys()].map(rel).filter((f) => /^src\/(handlers|domain|cli)\//.test(f));
  expect(leaks).toEqual([]);
  expect(constructSide.size).toBeGreaterThan(20); // the walk did follow the imports
});

test('the construct side imports only the package\'s dependencies and Node built-ins', () => {
  const builtins = new Set(builtinModules);
  const bad = [...constructSide.entries()].flatMap(([file, packages]) => packages
    .filter((p) => !shipped.has(p) && !builtins.has(p))
    .map((p) => `${rel(file)} imports ${p}`));
  expect(bad).toEqual([]);
});

test('the handlers and the command-line tool are left out of the npm package; their bundles are in', () => {
  const npmignore = fs.readFileSync(path.join(ROOT, '.npmignore'), 'utf8').split('\n');
  expect(npmignore).toEqual(expect.arrayContaining(['/lib/handlers/', '/lib/domain/', '/lib/cli/']));
  expect(npmignore).not.toContain('/assets/');
  expect(pkg.bin['hyperpod-cdk']).toMatch(/^assets\/cli\//);
});

test('the generated function constructs load the bundles of src/handlers/', () => {
  for (const entry of ['on-event', 'is-complete']) {
    const construct = fs.readFileSync(path.join(SRC, 'private', 'custom-resources', `${entry}-function.ts`), 'utf8');
    expect(construct).toContain(`assets/handlers/${entry}.lambda`);
    expect(fs.existsSync(path.join(SRC, 'handlers', `${entry}.lambda.ts`))).toBe(true);
  }
});
