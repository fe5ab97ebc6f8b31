import { resolve } from 'node:path';
import { parseDemoArgs, UsageError, USAGE } from './cli.js';
import { runStages } from './runner.js';
import { STAGES } from './stages/index.js';

async function main(): Promise<number> {
  let options;
  try {
    options = parseDemoArgs(process.argv.slice(2), STAGES.map((s) => s.id));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n\nstages:\n${STAGES.map((s) => `  ${s.id.padEnd(12)} ${s.title}`).join('\n')}\n`);
    return 0;
  }
  const run = await runStages(STAGES, options);
  const failed = run.stages.filter((s) => s.status === 'failed');
  const report = resolve(options.out, 'index.html');
  process.stderr.write(`\nreport: ${report}\nmetrics: ${resolve(options.out, 'metrics.json')}\n`);
  process.stderr.write(`${run.stages.length - failed.length} stages passed, ${failed.length} failed in ${run.seconds.toFixed(0)} s\n`);
  for (const stage of failed) process.stderr.write(`  ${stage.id}: ${stage.error}\n`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
