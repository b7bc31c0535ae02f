// Where a training step of the example CNN spends its time on wasm, against the machine's wasm SIMD
// peak: per kernel its time, its GFLOP/s and its share of the peak on all lanes. Used by
// bench/train.mjs (closing note) and bench/profileCnnStep.mjs (alone).
import * as tf from '@tensorflow/tfjs';
import { currentKernelPool, Kernel, layerListModel } from '@mlgym/core';

export const CNN_LAYERS = [
  { type: 'conv', params: { in_channels: 1, out_channels: 32, kernel_size: 3, stride: 1 } },
  { type: 'conv', params: { in_channels: 32, out_channels: 64, kernel_size: 3, stride: 1 } },
  { type: 'fc', params: { in_features: 9216, out_features: 128 } },
  { type: 'fc', params: { in_features: 128, out_features: 10 } },
];

const size = (shape) => shape.reduce((n, d) => n * d, 1);

/** Multiply-adds ×2 of the kernels that do products; other kernels count no flops. */
function flopsOf(name, inputs, attrs, output) {
  const out = Array.isArray(output) ? output[0] : output;
  switch (name) {
    case 'Conv2D':
    case 'FusedConv2D':
    case 'MlgymConv2DBiasRelu': {
      const [kh, kw, c] = inputs.filter.shape;
      return 2 * size(out.shape) * kh * kw * c;
    }
    case 'Conv2DBackpropInput': {
      const [kh, kw, c] = inputs.filter.shape;
      return 2 * size(inputs.dy.shape) * kh * kw * c;
    }
    case 'Conv2DBackpropFilter': {
      const [kh, kw, c] = attrs.filterShape;
      return 2 * size(inputs.dy.shape) * kh * kw * c;
    }
    case 'BatchMatMul':
    case '_FusedMatMul':
    case 'MlgymMatMulBiasRelu': {
      const a = inputs.a.shape;
      return 2 * size(out.shape) * a[attrs?.transposeA ? a.length - 2 : a.length - 1];
    }
    default:
      return 0;
  }
}

/**
 * The wasm SIMD multiply-add peak (native/elementwise.c, peak_claim): GFLOP/s of one lane and of
 * all lanes together (measured, and counted as lanes × one lane), best of `tries`. Undefined
 * without the kernel pool.
 */
export function measurePeak(tries = 5) {
  const pool = currentKernelPool();
  if (!pool) return undefined;
  const sink = pool.malloc(4 * 256);
  const iters = 2_000_000; // 96 flops each: ~4 ms per claim
  const run = (claims) => {
    let best = Infinity;
    for (let i = 0; i < tries; i++) {
      const t0 = performance.now();
      pool.run(Kernel.peak, claims, [iters, sink]);
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    return (claims * iters * 96) / best / 1e9;
  };
  // Until V8 has tiered the loop up from its baseline compiler, each lane runs it slower.
  for (let i = 0; i < 3; i++) run(pool.lanes * 8);
  const one = run(1);
  const measuredAll = run(pool.lanes * 8);
  pool.free(sink);
  // Shares are of lanes × one lane's peak, what the all-lanes loop measures on a quiet machine: a
  // busy machine depresses the all-lanes figure, which would flatter every kernel's share.
  return { lanes: pool.lanes, perLane: one, measuredAll, all: pool.lanes * one };
}

/**
 * Multiply-adds ×2 a kernel actually does: a 3×3 stride-1 convolution that mlgym runs by Winograd
 * (native/winograd.c; channels as wasmWinogradConv.ts takes them) does 16 products per 2×2 output
 * tile and channel pair, 4/9 of a direct convolution's 36; other kernels as flopsOf.
 */
function doneFlopsOf(name, inputs, attrs, output) {
  const counted = flopsOf(name, inputs, attrs, output);
  const one = (v) => v === undefined || v === 1 || (Array.isArray(v) && v.every((d) => d === 1));
  if (!counted || !one(attrs?.strides) || !one(attrs?.dilations)) return counted;
  const tiles = (shape) => shape[0] * Math.ceil(shape[1] / 2) * Math.ceil(shape[2] / 2);
  const fits = (c, n) => c >= 8 && c % 4 === 0 && n % 8 === 0 && c <= 128 && n <= 128;
  const filter = name === 'Conv2DBackpropFilter' ? attrs.filterShape : inputs.filter?.shape;
  if (!filter || filter[0] !== 3 || filter[1] !== 3) return counted;
  const [, , c, o] = filter;
  const out = Array.isArray(output) ? output[0] : output;
  switch (name) {
    case 'Conv2D':
    case 'FusedConv2D':
    case 'MlgymConv2DBiasRelu':
      return fits(c, o) ? 2 * 16 * tiles(out.shape) * c * o : counted;
    case 'Conv2DBackpropInput':
      return fits(o, c) ? 2 * 16 * tiles(out.shape) * c * o : counted;
    case 'Conv2DBackpropFilter':
      return fits(c, o) ? 2 * 16 * tiles(inputs.dy.shape) * c * o : counted;
    default:
      return counted;
  }
}

/** Runs `steps` training steps of the CNN (after `warmup`), timing every kernel; per kernel and shape: median ms per step, flops. */
export function profileCnnStep({
  steps = 20,
  warmup = 3,
  batch = 64,
  layers = CNN_LAYERS,
  inputShape = [28, 28, 1],
} = {}) {
  const samples = [];
  let current = new Map();
  const originals = [];
  for (const k of tf.getKernelsForBackend('wasm')) {
    const f = k.kernelFunc;
    originals.push(k);
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        const s = performance.now();
        const r = f(args);
        const ms = performance.now() - s;
        const out = Array.isArray(r) ? r[0] : r;
        const key = `${k.kernelName} ${out?.shape?.join('×') ?? ''}`;
        const e = current.get(key) ?? {
          kernel: k.kernelName,
          shape: out?.shape ?? [],
          ms: 0,
          calls: 0,
          flops: 0,
          done: 0,
        };
        e.ms += ms;
        e.calls++;
        e.flops += flopsOf(k.kernelName, args.inputs, args.attrs, r);
        e.done += doneFlopsOf(k.kernelName, args.inputs, args.attrs, r);
        current.set(key, e);
        return r;
      },
    });
  }
  try {
    const model = layerListModel({ layer_config: layers }, 1);
    const optimizer = tf.train.adam(0.001);
    const x = tf.randomNormal([batch, ...inputShape], 0, 1, 'float32', 7);
    const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 8), 10);
    const step = () => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })));
    const stepMs = [];
    for (let i = 0; i < warmup + steps; i++) {
      current = new Map();
      const t0 = performance.now();
      step();
      if (i >= warmup) {
        stepMs.push(performance.now() - t0);
        samples.push(current);
      }
    }
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
    const median = (xs) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    const keys = new Set(samples.flatMap((m) => [...m.keys()]));
    const rows = [...keys].map((key) => {
      const per = samples.map((m) => m.get(key));
      const first = per.find(Boolean);
      return {
        kernel: first.kernel,
        shape: first.shape,
        calls: first.calls,
        ms: median(per.map((e) => e?.ms ?? 0)),
        flops: first.flops,
        done: first.done,
      };
    });
    rows.sort((a, b) => b.ms - a.ms);
    return {
      stepMs: median(stepMs),
      bestStepMs: Math.min(...stepMs),
      rows,
      flopsPerStep: rows.reduce((n, r) => n + r.flops, 0),
      doneFlopsPerStep: rows.reduce((n, r) => n + r.done, 0),
    };
  } finally {
    for (const k of originals) {
      tf.unregisterKernel(k.kernelName, 'wasm');
      tf.registerKernel(k);
    }
  }
}

/**
 * The table as text lines: kernel, output shape, calls, ms/step, GFLOP/s (a direct convolution's
 * count: Winograd kernels show more than the peak), and the share of the all-lanes peak that the
 * multiply-adds each kernel does take.
 */
export function formatProfile(profile, peak, { top = 12 } = {}) {
  const lines = [];
  const share = (flops, ms) => (peak ? `${((100 * flops) / (ms / 1000) / 1e9 / peak.all).toFixed(0)} %` : '–');
  lines.push(
    `  ${'kernel'.padEnd(24)} ${'output'.padEnd(14)} ${'calls'.padStart(5)} ${'ms/step'.padStart(8)} ${'GFLOP/s'.padStart(8)} ${'of peak'.padStart(8)}`,
  );
  let shown = 0;
  for (const r of profile.rows.slice(0, top)) {
    const gflops = r.flops ? r.flops / (r.ms / 1000) / 1e9 : 0;
    shown += r.ms;
    const winograd = r.done && r.done < r.flops ? '  Winograd' : '';
    lines.push(
      `  ${r.kernel.padEnd(24)} ${r.shape.join('×').padEnd(14)} ${String(r.calls).padStart(5)} ${r.ms.toFixed(2).padStart(8)} ${(r.flops ? gflops.toFixed(1) : '').padStart(8)} ${(r.flops ? share(r.done, r.ms) : '').padStart(8)}${winograd}`,
    );
  }
  const rest = profile.rows.slice(top).reduce((n, r) => n + r.ms, 0);
  const kernels = shown + rest;
  lines.push(`  ${'other kernels'.padEnd(45)} ${rest.toFixed(2).padStart(8)}`);
  lines.push(`  ${'outside kernels (tfjs, JS)'.padEnd(45)} ${(profile.stepMs - kernels).toFixed(2).padStart(8)}`);
  const total = profile.flopsPerStep / (profile.stepMs / 1000) / 1e9;
  lines.push(
    `  ${'step (median)'.padEnd(45)} ${profile.stepMs.toFixed(2).padStart(8)} ${total.toFixed(1).padStart(8)} ${share(profile.doneFlopsPerStep, profile.stepMs).padStart(8)}   (${(profile.flopsPerStep / 1e9).toFixed(2)} GFLOP per step as direct convolutions, ${(profile.doneFlopsPerStep / 1e9).toFixed(2)} done)`,
  );
  const atPeak = peak ? (profile.doneFlopsPerStep / (peak.all * 1e9)) * 1000 : undefined;
  if (atPeak)
    lines.push(
      `  the multiply-adds done at 100 % of the peak: ${atPeak.toFixed(1)} ms, ${Math.round((64 * 1000) / atPeak)} samples/s`,
    );
  return lines;
}
