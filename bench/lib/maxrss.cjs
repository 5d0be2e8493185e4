// Preloaded (`node --require`) into bench child processes: appends the process's peak RSS (bytes)
// to $BENCH_RSS_FILE when it exits, one line per process, so whole-process peaks are measured the
// same way everywhere. A process that starts another node with its execArgv (the CLI's quiet child)
// adds a line for each: both are alive the whole run, so proc.mjs sums them.
const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    require('node:fs').appendFileSync(file, `${process.resourceUsage().maxRSS * 1024}\n`);
  });
}
