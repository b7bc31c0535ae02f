// One lane of mlgym's kernel pool (src/backend/kernelPool.ts): the kernel module instantiated on
// tfjs's shared memory, taking claims of each job the main thread publishes.
import { parentPort, workerData } from 'node:worker_threads';

const { module, memory, job, stackTop, spin, gather } = workerData;
const { exports } = new WebAssembly.Instance(module, { env: { memory } });
exports.__stack_pointer.value = stackTop;
// The job's sequence number: the high half of its first 64-bit word (little-endian).
const i32 = new Int32Array(memory.buffer, 0, (job >> 2) + 6);
// Int32 words of the job (native/job.c): sequence, claims done, claims, failure flag.
const SEQ = (job >> 2) + 1;
const DONE = (job >> 2) + 2;
const CLAIMS = (job >> 2) + 3;
const FAILED = (job >> 2) + 5;
// The background gather's words (KernelPool.gather): requested, done, table, width, count, dest, indices.
const g32 = gather ? new Int32Array(memory.buffer, gather, 8) : undefined;
const gatherPending = () => g32 !== undefined && Atomics.load(g32, 0) !== Atomics.load(g32, 1);

/** Copies the requested rows (a training batch's inputs) while no job needs this lane. */
function gatherRows() {
  // Views made now: tfjs may have grown the memory since the last request.
  const w = new Int32Array(memory.buffer);
  const f = new Float32Array(memory.buffer);
  const request = Atomics.load(g32, 0);
  const [table, width, count, dest, indices] = [g32[2] >> 2, g32[3], g32[4], g32[5] >> 2, g32[6] >> 2];
  for (let i = 0; i < count; i++) {
    const row = table + w[indices + i] * width;
    f.copyWithin(dest + i * width, row, row + width);
  }
  Atomics.store(g32, 1, request);
  Atomics.notify(g32, 1);
}

let last = Atomics.load(i32, SEQ);
parentPort.postMessage('ready');
for (;;) {
  let seq = Atomics.load(i32, SEQ);
  for (let i = 0; seq === last && i < spin; i++) {
    seq = Atomics.load(i32, SEQ);
    if ((i & 255) === 0 && gatherPending()) gatherRows();
  }
  if (seq === last) {
    if (gatherPending()) gatherRows();
    else Atomics.wait(i32, SEQ, last);
    continue;
  }
  last = seq;
  for (;;) {
    try {
      exports.work(job, seq >>> 0);
      break;
    } catch {
      // A trapping claim (a kernel bug): flag the job as failed and count the claim as done, so the
      // main thread, which waits for every claim, ends the job and reports it.
      Atomics.store(i32, FAILED, 1);
      if (Atomics.add(i32, DONE, 1) + 1 === Atomics.load(i32, CLAIMS)) Atomics.notify(i32, DONE);
    }
  }
}
