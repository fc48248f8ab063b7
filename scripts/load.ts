// The load-test script: npm run load -- --url ws://127.0.0.1:3000/ws --key dex_… --orders 10000 --rate 2000
// Prints a progress line while it runs and a table at the end; exits 1 if any order was lost,
// duplicated or out of order, 2 on bad options. With --find-capacity it steps the rate and reports C.
import { writeFile } from 'node:fs/promises';
import { parseOptions, USAGE } from './load/options.js';
import { formatTable, isBroken, renderHtml } from './load/report.js';
import { runLoad } from './load/run.js';
import { findCapacity, formatCapacity } from './load/find-capacity.js';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${err instanceof Error && err.message === USAGE ? '' : `${USAGE}\n`}`);
    return 2;
  }
  const tty = process.stderr.isTTY;
  if (options.findCapacity) {
    const found = await findCapacity(options, (step) => runLoad({ ...step, quiet: true }, () => undefined), (step) => {
      if (!options.quiet) process.stderr.write(`${step.rate}/s: ${step.keptUp ? 'kept up' : 'fell back'} (${step.confirmedPerSSteady.toFixed(0)}/s confirmed)\n`);
    });
    process.stdout.write(`${formatCapacity(found)}\n`);
    if (options.json) await writeFile(options.json, JSON.stringify(found, null, 2));
    return found.steps.some((step) => step.lost > 0) ? 1 : 0;
  }
  let result;
  try {
    result = await runLoad(options, (p) => {
      if (options.quiet) return;
      const line = `${p.elapsedS.toFixed(0).padStart(4)} s  sent ${p.sent}  acked ${p.acked}  terminal ${p.terminal}  errors ${p.errors}  rate ${p.ratePerS.toFixed(0)}/s`;
      process.stderr.write(tty ? `\r${line.padEnd(90)}` : `${line}\n`);
    });
  } catch (err) {
    process.stderr.write(`load: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  if (tty && !options.quiet) process.stderr.write('\n');
  process.stdout.write(`${formatTable(result)}\n`);
  if (options.json) {
    const { ackLatencySamples: _a, confirmLatencySamples: _c, ...figures } = result;
    await writeFile(options.json, JSON.stringify(figures, null, 2));
  }
  if (options.html) await writeFile(options.html, renderHtml(result));
  if (isBroken(result)) {
    process.stderr.write('FAILED: orders were lost, duplicated or out of order\n');
    return 1;
  }
  return 0;
}

process.exitCode = await main();
