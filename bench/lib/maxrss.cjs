// Preloaded (`node --require`) into bench child processes: writes the process's peak RSS (bytes) to
// $BENCH_RSS_FILE when it exits, so whole-process peaks are measured the same way everywhere.
const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    require('node:fs').writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });
}
