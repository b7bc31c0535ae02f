// What the kernel binary is built from: sources and compiler flags, and their digest (checked by a
// test against ../wasm/mlgymKernels.json, so a changed source without a rebuilt binary fails CI).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const KERNEL_SOURCES = ['mlgym.h', 'job.c', 'conv.c', 'gemm.c', 'elementwise.c', 'pool.c', 'winograd.c'];

/** Compiler flags of each source (clang -c). */
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
];

/**
 * Linker flags (wasm-ld, called directly: clang's driver would also run binaryen's wasm-opt when
 * it is installed, which inlines every kernel into `work`, one function that V8 took hundreds of
 * steps to optimize, and makes the binary depend on whether binaryen is there).
 */
export const LINK_FLAGS = [
  '--no-entry',
  '--import-memory',
  '--shared-memory',
  '--max-memory=4294967296',
  '--export=__stack_pointer',
  '-z',
  'stack-size=65536',
];

export function kernelSourceDigest() {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([KERNEL_FLAGS, LINK_FLAGS]));
  for (const file of KERNEL_SOURCES) {
    // Line endings normalised, so a checkout with CRLF gives the same digest.
    hash.update(`\0${file}\0`).update(readFileSync(join(import.meta.dirname, file), 'utf8').replace(/\r\n/g, '\n'));
  }
  return hash.digest('hex');
}
