// What the kernel binary is built from: sources and compiler flags, and their digest (checked by a
// test against ../wasm/mlgymKernels.json, so a changed source without a rebuilt binary fails CI).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const KERNEL_SOURCES = ['mlgym.h', 'job.c', 'conv.c', 'gemm.c', 'elementwise.c', 'pool.c', 'winograd.c'];

export const KERNEL_FLAGS = [
  '--target=wasm32',
  '-O3',
  '-msimd128',
  '-matomics',
  '-mbulk-memory',
  '-mmutable-globals',
  '-ffp-contract=off',
  '-nostdlib',
  '-Wall',
  '-Werror',
  '-Wl,--no-entry',
  '-Wl,--import-memory',
  '-Wl,--shared-memory',
  '-Wl,--max-memory=4294967296',
  '-Wl,--export=__stack_pointer',
  '-Wl,-z,stack-size=65536',
];

export function kernelSourceDigest() {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(KERNEL_FLAGS));
  for (const file of KERNEL_SOURCES) {
    // Line endings normalised, so a checkout with CRLF gives the same digest.
    hash.update(`\0${file}\0`).update(readFileSync(join(import.meta.dirname, file), 'utf8').replace(/\r\n/g, '\n'));
  }
  return hash.digest('hex');
}
