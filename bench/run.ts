// `npm run bench`: benchmarks, not tests. Prints results; never fails on a number.
import { benchSynth } from './synth';

async function main(): Promise<void> {
  benchSynth();
  const scaleDown = await import('./scale-down').catch(() => undefined);
  if (scaleDown) {
    console.log('');
    await scaleDown.benchScaleDown();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
