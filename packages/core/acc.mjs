import { loadRunConfig, planExperiments, runGymJob, MemoryEventSink } from '/work/main/packages/core/dist/index.js';
import { LocalGridSearchStore } from '/work/main/packages/storage/dist/index.js';
import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
const plan = await planExperiments(loadRunConfig('/work/main/example/grid_search_example/run_config.yml'));
const e = plan.experiments[12];
const out = await runGymJob({ config: e.config, gridSearchId: 'acc', experimentId: 12, numEpochs: 5, numBatchesPerEpoch: 50, store: new LocalGridSearchStore(mkdtempSync(join(tmpdir(), 'acc-'))), sink: new MemoryEventSink(), backend: 'wasm' });
for (const h of out.history) console.log(h.epoch, JSON.stringify(h.results.map(r => [r.split, r.metrics])));
