import { loadRunConfig, planExperiments, runGymJob, MemoryEventSink } from './dist/index.js';
import { LocalGridSearchStore } from '@mlgym/storage';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const plan = await planExperiments(loadRunConfig(process.argv[2]));
const store = new LocalGridSearchStore(mkdtempSync(join(tmpdir(), 'smoke-')));
const sink = new MemoryEventSink();
const e = plan.experiments[Number(process.argv[3] ?? 8)];
const t0 = performance.now();
const out = await runGymJob({
  config: e.config,
  gridSearchId: 'smoke',
  experimentId: e.experiment_id,
  numEpochs: Number(process.argv[4] ?? 2),
  numBatchesPerEpoch: Number(process.argv[5] ?? 30),
  store,
  sink,
  backend: process.argv[6] ?? 'wasm',
  source: plan.gs.source,
});
console.log('seconds', ((performance.now() - t0) / 1000).toFixed(1), out.backend.backend, 'events', sink.events.length);
for (const h of out.history) console.log(h.epoch, JSON.stringify(h.results.map((r) => [r.split, r.metrics, r.losses])));
console.log(await store.listCheckpoints('smoke', e.experiment_id));
