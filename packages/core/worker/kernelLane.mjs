// One lane of mlgym's kernel pool (src/backend/kernelPool.ts): the kernel module instantiated on
// tfjs's shared memory, taking claims of each job the main thread publishes.
import { parentPort, workerData } from 'node:worker_threads';

const { module, memory, job, stackTop, spin } = workerData;
const { exports } = new WebAssembly.Instance(module, { env: { memory } });
exports.__stack_pointer.value = stackTop;
// The job's sequence number: the high half of its first 64-bit word (little-endian).
const i32 = new Int32Array(memory.buffer, 0, (job >> 2) + 2);
const SEQ = (job >> 2) + 1;
let last = Atomics.load(i32, SEQ);
parentPort.postMessage('ready');
for (;;) {
  let seq = Atomics.load(i32, SEQ);
  for (let i = 0; seq === last && i < spin; i++) seq = Atomics.load(i32, SEQ);
  if (seq === last) {
    Atomics.wait(i32, SEQ, last);
    continue;
  }
  last = seq;
  exports.work(job, seq >>> 0);
}
