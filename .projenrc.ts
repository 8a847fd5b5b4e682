import { awscdk, javascript } from 'projen';

// aws-cdk-lib 2.257.0 is the newest release whose cloud assembly (schema 53) the newest
// @aws-cdk/integ-runner on the registry can read; see shared/reference/toolchain.md.
const CDK_VERSION = '2.257.0';
const CDK_CLI_VERSION = '2.1148.1'; // npm's `latest` tag of aws-cdk (3.0.0) is an old build
const INTEG_RUNNER_VERSION = '2.197.10';
const INTEG_TESTS_ALPHA_VERSION = '2.245.0-alpha.0';

// Passed as a variable, not inline: projen's BundlingOptions type lists only
// externals/sourcemap/watchTask, but projen spreads everything into Bundler.addBundle().
const lambdaBundling = {
  externals: [] as string[], // bundle @aws-sdk/* so the SDK version is pinned by the lock file
  sourcemap: false,
  minify: true,
  mainFields: ['module', 'main'], // ESM-first: ~850 KB -> ~300 KB per handler
};

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'hyperpod-cdk',
  description:
    'AWS CDK constructs for Amazon SageMaker HyperPod clusters orchestrated by Amazon EKS: ' +
    'continuous provisioning, execution roles, network, lifecycle scripts and targeted scale-down.',
  keywords: ['cdk', 'aws-cdk', 'sagemaker', 'hyperpod', 'eks', 'awscdk'],
  author: 'hyperpod-cdk contributors',
  authorAddress: 'maintainers@hyperpod-cdk.dev',
  repositoryUrl: 'https://github.com/hyperpod-cdk/hyperpod-cdk.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  cdkVersion: CDK_VERSION,
  cdkCliVersion: CDK_CLI_VERSION,
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.16.0',
  github: false, // CI is the repository's own .ci/run
  stability: 'experimental',
  devDeps: [
    '@aws-sdk/client-sagemaker',
    // the preflight check (src/private/preflight/eks.ts); 3.1175.0 shares every @aws-sdk/@smithy dependency with client-sagemaker
    '@aws-sdk/client-eks@^3.1175.0',
    // the drain's EKS token (a presigned STS GetCallerIdentity, src/domain/kubernetes.ts); the versions client-eks uses
    '@smithy/signature-v4@^5.7.5',
    '@smithy/core@^3.38.0',
    // the Kubernetes stand-in's TLS certificate (test/support/fake-kubernetes.ts)
    'selfsigned@^5.5.0',
    '@types/aws-lambda',
    'cdk-nag@2.38.2', // cdk-nag 3 does not work with aws-cdk-lib <= 2.257
    '@aws-cdk/lambda-layer-kubectl-v32',
    `@aws-cdk/integ-runner@${INTEG_RUNNER_VERSION}`,
    `@aws-cdk/integ-tests-alpha@${INTEG_TESTS_ALPHA_VERSION}`,
  ],
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER, // else `test` runs jest --updateSnapshot
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out/', '\\.snapshot/'],
      // Not jest's 5 s default: the slowest test without its own timeout took 3.7 s on a loaded
      // 2-core machine (a synth plus cdk-nag). Child processes and scale runs set their own, larger ones.
      testTimeout: 30_000,
      // Every App without an outdir leaves a cdk.out* directory in the temp dir (about 3 GB per run):
      // jest gets a temp dir of its own, removed when it ends.
      globalSetup: '<rootDir>/test/support/jest-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/jest-global-teardown.ts',
    },
  },
  eslintOptions: {
    dirs: ['src'], // projen's default
    // Re-lint only changed files (by content, so a checkout does not void the cache). Type-aware
    // rules see other files, so a change can hide a finding in an unchanged file until the cache
    // goes: CI lints fresh clones, which have none.
    commandOptions: { extraArgs: ['--cache', '--cache-strategy', 'content'] },
  },
  // The Lambda entries live on the handler side (src/handlers/) and their generated constructs
  // on the construct side (src/private/custom-resources/): declared below, not auto-discovered.
  lambdaAutoDiscover: false,
  tsconfigDev: {
    include: ['../examples/**/*.ts', '../bench/**/*.ts', '../integ/**/*.ts'],
    compilerOptions: {},
  },
  gitignore: ['cdk.out', '/test/**/cdk.out', '/integ/**/cdk-integ.out.*', '/bench-results/'],
  // jsii targets, named like cdklabs' construct libraries (cdklabs-projen-project-types
  // createPublishingDefaults for an unscoped npm name): see README "Languages".
  publishToPypi: {
    distName: 'hyperpod-cdk',
    module: 'hyperpod_cdk',
  },
  publishToMaven: {
    // Maven Central namespace = reversed domain we control (hyperpod-cdk.dev); hyphens are valid in groupIds.
    mavenGroupId: 'dev.hyperpod-cdk',
    mavenArtifactId: 'hyperpod-cdk',
    javaPackage: 'dev.hyperpodcdk', // not a valid Java identifier with '-': dropped, as cdklabs do (io.github.cdklabs.cdknag)
  },
  publishToNuget: {
    dotNetNamespace: 'HyperpodCdk',
    packageId: 'HyperpodCdk',
  },
  publishToGo: {
    // jsii's moduleName is the repository; the module is <moduleName>/<packageName>:
    // github.com/hyperpod-cdk/hyperpod-cdk-go/hyperpodcdk
    moduleName: 'github.com/hyperpod-cdk/hyperpod-cdk-go',
    packageName: 'hyperpodcdk',
  },
});

// The deploy side: Lambda entries in src/handlers/ (bundled by esbuild with the AWS SDK, so
// they and the SageMaker/EKS domain in src/domain/ may import devDependencies). Their function
// constructs are generated next to the provider that uses them; neither handlers/, domain/
// nor cli/ ships in lib/ (see npmignore below): the bundles in assets/ are what runs.
for (const entry of ['on-event', 'is-complete']) {
  new awscdk.LambdaFunction(project, {
    entrypoint: `src/handlers/${entry}.lambda.ts`,
    constructFile: `src/private/custom-resources/${entry}-function.ts`,
    cdkDeps: project.cdkDeps,
    runtime: awscdk.LambdaRuntime.NODEJS_22_X, // fixed, so templates do not drift with aws-cdk-lib
    awsSdkConnectionReuse: false, // SDK v3 reuses connections by default
    bundlingOptions: lambdaBundling,
  });
}
project.eslint?.allowDevDeps('src/handlers/**/*.ts');
project.eslint?.allowDevDeps('src/domain/**/*.ts');
project.eslint?.allowDevDeps('examples/**/*.ts');
project.eslint?.allowDevDeps('bench/**/*.ts');
project.eslint?.allowDevDeps('integ/**/*.ts');
project.eslint?.addLintPattern('examples');
project.eslint?.addLintPattern('bench');
project.eslint?.addLintPattern('integ');

// jsii: projen hard-codes `jsii --silence-warnings=reserved-word` (cdk.JsiiBuild; no option turns it
// off), which hid two JSII5018 warnings (names reserved in C# and Go, since renamed). Every
// warning fails the compile, so the count stays at zero.
project.compileTask.reset('jsii --fail-on-warnings');
project.watchTask.reset('jsii -w');

// Language packages. jsii-pacmak can build only the npm package on these machines (no PyPI,
// Maven Central, NuGet or Go module proxy; no dotnet SDK): package:python fails on
// `setuptools~=75.3.2` (pacmak's pinned build venv), package:java on
// versions-maven-plugin 2.20.1 and the aws-cdk-lib jar, package:dotnet on `spawn dotnet ENOENT`,
// package:go on `go mod tidy` (needs proxy.golang.org for aws-cdk-go). So `package-all` (what
// a non-CI `projen build` runs) packs js and generates the Python, Java, .NET and Go sources with
// `--code-only` into dist/sources/ (any code-generation error fails the build; about 12 s).
// The package:<lang> tasks stay the real builds, for a machine with those toolchains online.
const packageAll = project.tasks.tryFind('package-all')!;
packageAll.reset();
packageAll.spawn(project.tasks.tryFind('package:js')!);
packageAll.exec('rm -rf dist/sources');
packageAll.exec('jsii-pacmak -v --code-only --outdir dist/sources --target python --target java --target dotnet --target go');

// Neither esbuild nor jsii cleans its output: remove bundles and compiled files of deleted sources.
project.preCompileTask.prependExec('rm -rf assets lib');

// The registry mirror has only the linux @unrs/resolver-binding-* of unrs-resolver 1.13.0
// (pulled in by jest 30 and eslint-import-resolver-typescript 4); without this `npm ci` fails.
project.package.addPackageResolutions('unrs-resolver@1.12.2');

// Node 20 on these machines: both are warnings only.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
project.tasks.addEnvironment('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');

// Unit tests load the Lambda bundles from assets/: make `npm test` work on a fresh clone.
// `test` bundles once; its integ step (integ:verify) uses those bundles.
const bundle = project.bundler.bundleTask;
project.testTask.prependSpawn(bundle);

// The main job: synthesize the example app offline (no AWS account) into cdk.out/ and
// print a summary a person can read.
const synthExample = project.addTask('synth:example', {
  description: 'Synthesize the example app offline into cdk.out/ and print a summary',
  env: { TS_NODE_TRANSPILE_ONLY: '1' },
});
synthExample.spawn(bundle);
synthExample.exec(
  'cdk synth --app "ts-node -P test/tsconfig.json examples/app.ts" --output cdk.out --quiet --no-notices --no-version-reporting',
);
synthExample.exec('ts-node -P test/tsconfig.json examples/summary.ts cdk.out');

// Benchmarks (not tests): speed targets live here, never in timed tests.
const bench = project.addTask('bench', {
  description: 'Run the benchmarks and print their results',
  env: { TS_NODE_TRANSPILE_ONLY: '1' },
});
bench.spawn(bundle);
bench.exec('ts-node -P test/tsconfig.json bench/run.ts');

// The `hyperpod-cdk` command (src/cli, README "Command-line tool"): bundled with the AWS SDK
// like the Lambda handlers, so the SDK stays a devDependency; `npx hyperpod-cdk status <cluster>`.
const cli = project.bundler.addBundle('./src/cli/main.ts', {
  ...lambdaBundling,
  platform: 'node',
  target: 'node20', // minNodeVersion
  tsconfigPath: project.tsconfigDev.fileName,
  executable: true,
  watchTask: false,
});
project.addBins({ 'hyperpod-cdk': cli.outfile });
project.eslint?.allowDevDeps('src/cli/**/*.ts');

// Integration tests in integ/ (integ-runner + integ-tests-alpha; README "Integration tests").
// `integ` verifies the committed snapshots offline and is part of `test`; only `integ:update`
// rewrites them; `integ:deploy` deploys to a real AWS account (credentials needed, costs money).
// Snapshot asset directories are not committed: verification compares templates only.
const integEnv = { TS_NODE_TRANSPILE_ONLY: '1' };
const integRunner = 'integ-runner --directory integ --language typescript';
const integVerify = project.addTask('integ:verify', {
  description: 'Verify the integ/ snapshots offline with the bundles already in assets/ (`integ` bundles first)',
  env: integEnv,
});
integVerify.exec(integRunner, { receiveArgs: true });
const integ = project.addTask('integ', {
  description: 'Verify the integ/ snapshots offline (no AWS account); a changed template fails with its diff',
});
integ.spawn(bundle);
integ.spawn(integVerify, { receiveArgs: true });
const integUpdate = project.addTask('integ:update', {
  description: 'Re-create the integ/ snapshots of changed or new tests offline (on purpose: commit them with the reason)',
  env: integEnv,
});
integUpdate.spawn(bundle);
integUpdate.exec(`${integRunner} --update-on-failed --dry-run`, { receiveArgs: true });
const integDeploy = project.addTask('integ:deploy', {
  description: 'Deploy the integ/ tests to a real AWS account, run their assertions, destroy them (costs money; see README)',
  env: integEnv,
});
integDeploy.spawn(bundle);
integDeploy.exec(`${integRunner} --force --verbose`, { receiveArgs: true });
project.testTask.spawn(integVerify);
project.gitignore.exclude('/integ/*.snapshot/asset.*');
project.npmignore?.exclude('/integ/');
// Keep the npm package to the library: not the example's 57 MB cdk.out/, nor examples, benchmarks or CI.
project.npmignore?.exclude('/cdk.out/', '/examples/', '/bench/', '/bench-results/', '/.ci/');
// The deploy side and the command-line tool run as bundles (assets/handlers/, assets/cli/): their
// compiled modules would require devDependencies (the AWS SDK) that users do not install.
// test/package-contents.test.ts holds the construct side to never importing them.
project.npmignore?.exclude('/lib/handlers/', '/lib/domain/', '/lib/cli/');

// README snippets compile (strict jsii-rosetta with rosetta/default.ts-fixture) as part of `test`.
// Rosetta reads the README from the jsii assembly (.jsii) and compiles against lib/*.d.ts, so the
// library is compiled first, unless .jsii is newer than everything it is made of (as in `build`,
// whose compile step has just run). Translations are cached in .jsii.tabl.json (keyed by snippet,
// fixture and the library's types; a snippet that fails is never cached); a lock file change
// drops the cache, since it does not cover aws-cdk-lib's types.
const rosettaCheck = project.addTask('rosetta:check', {
  description: 'Compile every TypeScript snippet of README.md with jsii-rosetta --strict (rosetta/*.ts-fixture)',
});
rosettaCheck.spawn(project.compileTask, {
  condition: '[ ! -f .jsii ] || [ ! -f lib/index.d.ts ] || [ -n "$(find src README.md package.json tsconfig.json -newer .jsii -print -quit)" ]',
});
rosettaCheck.exec('rm .jsii.tabl.json', { condition: '[ -f .jsii.tabl.json ] && [ package-lock.json -nt .jsii.tabl.json ]' });
rosettaCheck.exec('jsii-rosetta extract --strict --cache .jsii.tabl.json');
project.testTask.spawn(rosettaCheck);
project.gitignore.exclude('/.jsii.tabl.json');
project.npmignore?.exclude('/rosetta/');

// The randomized scale-down guarantees run 300 scenarios in `test`; this runs 1,500 (a longer
// search for a counterexample, not a speed figure: those live in `bench`).
project.addTask('test:guarantees', {
  description: 'Run the randomized scale-down guarantee suite over 1,500 scenarios (test runs 300)',
  env: { SCALE_DOWN_SCENARIOS: '1500' },
  exec: 'jest --ci test/scale-down-guarantees.test.ts',
});

project.synth();
