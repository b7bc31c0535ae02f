// Builds ../wasm/mlgymKernels.wasm from the C sources here with Debian's clang and lld
// (`apt-get install clang lld`), and records beside it the SHA-256 of the sources and flags it was
// built from (mlgymKernels.json), which a test compares with the sources in the repository.
// Run: npm run build:kernels (from the repository root).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelSourceDigest, KERNEL_FLAGS, KERNEL_SOURCES, LINK_FLAGS } from './sources.mjs';

const here = import.meta.dirname;
const out = join(here, '..', 'wasm');
mkdirSync(out, { recursive: true });
const target = join(out, 'mlgymKernels.wasm');
const clang = process.env.CLANG ?? 'clang';
const wasmLd = process.env.WASM_LD ?? 'wasm-ld';
const objects = mkdtempSync(join(tmpdir(), 'mlgym-kernels-'));
try {
  const sources = KERNEL_SOURCES.filter((f) => f.endsWith('.c'));
  for (const source of sources) {
    execFileSync(clang, [...KERNEL_FLAGS, '-c', '-o', join(objects, source.replace(/\.c$/, '.o')), source], {
      cwd: here,
      stdio: 'inherit',
    });
  }
  execFileSync(wasmLd, [...LINK_FLAGS, '-o', target, ...sources.map((s) => join(objects, s.replace(/\.c$/, '.o')))], {
    stdio: 'inherit',
  });
} finally {
  rmSync(objects, { recursive: true, force: true });
}
const bytes = readFileSync(target);
const module = new WebAssembly.Module(bytes);
const imports = WebAssembly.Module.imports(module);
// The module shares tfjs's memory: any data segment or import besides it would write into tfjs's heap or fail to link.
if (imports.length !== 1 || imports[0].name !== 'memory')
  throw new Error(`unexpected imports ${JSON.stringify(imports)}`);
if (WebAssembly.Module.customSections(module, 'data').length || hasDataSection(bytes))
  throw new Error('the module has static data');
const version = execFileSync(clang, ['--version'], { encoding: 'utf8' }).split('\n')[0];
const { createHash } = await import('node:crypto');
writeFileSync(
  join(out, 'mlgymKernels.json'),
  `${JSON.stringify(
    {
      sources: kernelSourceDigest(),
      wasm: createHash('sha256').update(bytes).digest('hex'),
      compiler: version,
      exports: WebAssembly.Module.exports(module).map((e) => e.name),
    },
    null,
    2,
  )}\n`,
);
console.log(`built ${target} (${bytes.length} bytes) with ${version}`);

/** True when the binary has a data section (id 11). */
function hasDataSection(b) {
  let i = 8;
  while (i < b.length) {
    const id = b[i++];
    let size = 0;
    let shift = 0;
    for (;;) {
      const byte = b[i++];
      size |= (byte & 0x7f) << shift;
      shift += 7;
      if (!(byte & 0x80)) break;
    }
    if (id === 11) return true;
    i += size;
  }
  return false;
}
