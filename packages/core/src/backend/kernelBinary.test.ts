import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the build (native/sources.mjs) without declarations
import { kernelSourceDigest } from '../../native/sources.mjs';

// The shipped kernel binary must be the build of the sources beside it: `npm run build:kernels`
// (clang, lld) writes both wasm/mlgymKernels.wasm and the digests in wasm/mlgymKernels.json; CI has
// no clang, so it checks the digests instead of rebuilding.
const wasm = new URL('../../wasm/mlgymKernels.wasm', import.meta.url);
const record = JSON.parse(readFileSync(new URL('../../wasm/mlgymKernels.json', import.meta.url), 'utf8')) as {
  sources: string;
  wasm: string;
};

describe('the shipped kernel binary', () => {
  it('was built from the C sources and flags in the repository (else run npm run build:kernels)', () => {
    expect(kernelSourceDigest()).toBe(record.sources);
  });

  it('is the binary that build recorded', () => {
    expect(createHash('sha256').update(readFileSync(wasm)).digest('hex')).toBe(record.wasm);
  });
});
