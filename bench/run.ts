// `npm run bench`: benchmarks, not tests. Prints results; never fails on a number.
import { benchScaleDown } from './scale-down';
import { benchSynth } from './synth';

async function main(): Promise<void> {
  benchSynth();
  console.log('');
  await benchScaleDown();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
