// Preloaded by bench:gym (node --import ./rssProbe.mjs cli.js …): samples the process's resident set
// every 500 ms and writes, at exit, its peak (the kernel's maxRSS) and the samples to $MLGYM_RSS_FILE.
// Only this process is measured (the run's parent), not the worker processes it starts.
import { writeFileSync } from 'node:fs';

const file = process.env.MLGYM_RSS_FILE;
if (file) {
  const t0 = performance.now();
  const samples = [];
  const sample = () => samples.push([Math.round(performance.now() - t0), process.memoryUsage.rss()]);
  const timer = setInterval(sample, 500);
  timer.unref();
  process.on('exit', () => {
    sample();
    writeFileSync(file, JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, samples }));
  });
}
