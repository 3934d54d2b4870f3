/**
 * Preloaded into a process the benchmark spawns (node --import): on exit, writes the peak
 * resident set size of the whole process (worker threads included) to the file named by
 * CPTLINT_BENCH_RSS_FILE. The CLI itself knows nothing of it.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.CPTLINT_BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => {
    // resourceUsage().maxRSS is in kilobytes.
    writeFileSync(target, String(process.resourceUsage().maxRSS * 1024));
  });
}
