/**
 * Preloaded into every lane process (`node --require`): at exit, writes the process's own CPU time
 * and peak RSS to BENCH_USAGE_FILE, so a lane's cost is measured apart from the simulated world.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.once('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ userUs: usage.userCPUTime, systemUs: usage.systemCPUTime, maxRssKb: usage.maxRSS }));
  });
}
