// Where one training step of the example CNN spends its time on wasm, per kernel, against the
// machine's wasm SIMD peak (node bench/profileCnnStep.mjs). MLGYM_THREADS sets the lanes;
// MLGYM_WASM_KERNELS=xnnpack profiles tfjs's own kernels instead; STEPS the steps profiled.
import { selectBackend } from '@mlgym/core';
import { formatProfile, measurePeak, profileCnnStep } from './cnnStepProfile.mjs';

const backend = await selectBackend('wasm');
const peak = measurePeak();
console.log(
  `wasm ${backend.version}, ${backend.threads} thread(s), kernels: ${backend.kernels}` +
    (peak
      ? `; mul+add peak ${peak.perLane.toFixed(1)} GFLOP/s per lane, ${peak.measuredAll.toFixed(1)} measured on ${peak.lanes} (shares below are of ${peak.all.toFixed(1)}: lanes × one lane)`
      : ''),
);
const profile = profileCnnStep({ steps: Number(process.env.STEPS ?? 20) });
console.log(
  `step: median ${profile.stepMs.toFixed(1)} ms (${Math.round(64000 / profile.stepMs)} samples/s), best ${profile.bestStepMs.toFixed(1)} ms`,
);
for (const line of formatProfile(profile, peak, { top: Number(process.env.TOP ?? 14) })) console.log(line);
