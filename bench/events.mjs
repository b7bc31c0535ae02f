// npm run bench:events — ingestion rate, live latency and history replay of ml_board_ws_endpoint.
// Runs the real server process; publishers and subscribers are socket.io clients in this process.
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { startApp } from './startApp.mjs';
import { io as connect } from 'socket.io-client';

const PREFILL = Number(process.env.PREFILL ?? 1_000_000);
const PUBLISHERS = 4;
const BATCH = 500;
const IN_FLIGHT = 2;
const SECONDS = Number(process.env.SECONDS ?? 6);
const PACE = 50_000;
const TICK_MS = 10;

const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);
const status = (gs, i, ts) => ({
  event_type: 'experiment_status',
  creation_ts: ts,
  payload: {
    grid_search_id: gs,
    experiment_id: i % 15,
    status: 'train',
    num_epochs: 100,
    current_epoch: 3,
    splits: ['train'],
    current_split: 'train',
    num_batches: 500,
    current_batch: i % 500,
  },
});

async function prefill(root, gs, count) {
  const dir = join(root, gs);
  (await import('node:fs')).mkdirSync(dir, { recursive: true });
  const out = createWriteStream(join(dir, 'event_storage.log'));
  const CHUNK = 10_000;
  for (let i = 0; i < count; i += CHUNK) {
    let text = '';
    for (let j = i; j < Math.min(count, i + CHUNK); j++) text += `${JSON.stringify(status(gs, j, j))}\n`;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const client = async (url) => {
  const s = connect(url, { transports: ['websocket'], forceNew: true });
  await once(s, 'connect');
  return s;
};

/** 4 publishers for SECONDS seconds; one subscriber measures publish-to-receive latency. */
async function ingest(url, gs, lastId, pace) {
  const subscriber = await client(url);
  const latencies = [];
  let received = 0;
  subscriber.on('mlgym_event', (m) => {
    const t = nowUs();
    const list = m.event_id === 'batched_events' ? m.data : [m];
    for (const e of list) latencies.push((t - e.data.creation_ts) / 1000);
    received += list.length;
  });
  await new Promise((r) => subscriber.emit('join', { rooms: [gs], last_event_id: lastId }, r));
  const publishers = await Promise.all(Array.from({ length: PUBLISHERS }, () => client(url)));
  let acked = 0;
  let failed = 0;
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  await Promise.all(
    publishers.map(async (p, k) => {
      let seq = 0;
      if (pace) {
        // Paced: each publisher sends a small batch every tick, without waiting for acks.
        const perTick = Math.round((pace / PUBLISHERS) * (TICK_MS / 1000));
        const pending = [];
        for (let tick = 0; performance.now() < deadline; tick++) {
          const wait = t0 + tick * TICK_MS - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const first = seq;
          seq += perTick;
          const ts = nowUs();
          const events = Array.from({ length: perTick }, (_, i) => status(gs, first + i, ts));
          pending.push(
            new Promise((r) =>
              p.emit(
                'mlgym_events',
                { publisher_id: `bench-${gs}-${pace ?? 'max'}-${k}`, first_seq: first, events },
                r,
              ),
            ).then((ack) => {
              if (ack.ok) acked += ack.event_ids.length;
              else failed += perTick;
            }),
          );
        }
        await Promise.all(pending);
        return;
      }
      const lane = async () => {
        while (performance.now() < deadline) {
          const first = seq;
          seq += BATCH;
          const ts = nowUs();
          const events = Array.from({ length: BATCH }, (_, i) => status(gs, first + i, ts));
          const ack = await new Promise((r) =>
            p.emit('mlgym_events', { publisher_id: `bench-${gs}-${pace ?? 'max'}-${k}`, first_seq: first, events }, r),
          );
          if (ack.ok) acked += ack.event_ids.length;
          else failed += BATCH;
        }
      };
      // Sequence numbers must arrive in order per publisher: lanes of one publisher share `seq`
      // and each batch claims its range before sending, so in-flight batches never overlap.
      await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const waitStart = Date.now();
  while (received < acked && Date.now() - waitStart < 10_000) await new Promise((r) => setTimeout(r, 20));
  for (const p of publishers) p.close();
  subscriber.close();
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? NaN;
  return { rate: acked / seconds, acked, failed, received, p50: latencies[Math.floor(latencies.length / 2)], p99 };
}

async function history(url, gs, expected, format) {
  const s = await client(url);
  let lines = 0;
  let events = 0;
  const t0 = performance.now();
  s.on('mlgym_event_chunk', (c) => {
    const b = Buffer.from(c.jsonl);
    for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) lines++;
  });
  s.on('mlgym_event', (m) => (events += m.event_id === 'batched_events' ? m.data.length : 1));
  await new Promise((r) => s.emit('join', { rooms: [gs], history_format: format }, r));
  const seconds = (performance.now() - t0) / 1000;
  s.close();
  return { seconds, got: format === 'jsonl' ? lines : events, expected };
}

const root = mkdtempSync(join(tmpdir(), 'mlgym-bench-events-'));
try {
  console.log(`bench:events — prefilling ${PREFILL.toLocaleString()} events…`);
  await prefill(root, 'big', PREFILL);
  const { child, url } = await startApp('ml_board_ws_endpoint', [
    '--event_storage_path',
    root,
    '--fsync',
    process.env.FSYNC ?? 'always',
  ]);
  try {
    console.log(
      `ingesting for ${SECONDS}s from ${PUBLISHERS} publishers (batches of ${BATCH}, ${IN_FLIGHT} in flight each), fsync=${process.env.FSYNC ?? 'always'}`,
    );
    const empty = await ingest(url, 'empty', -1);
    console.log(
      `  into an empty log:          ${Math.round(empty.rate).toLocaleString()} events/s, p50 ${empty.p50.toFixed(1)} ms, p99 ${empty.p99.toFixed(1)} ms`,
    );
    const big = await ingest(url, 'big', PREFILL - 1);
    console.log(
      `  into a ${PREFILL.toLocaleString()}-event log: ${Math.round(big.rate).toLocaleString()} events/s, p50 ${big.p50.toFixed(1)} ms, p99 ${big.p99.toFixed(1)} ms`,
    );
    const paced = await ingest(url, 'big', PREFILL + big.acked - 1, PACE);
    console.log(
      `  paced at ${PACE.toLocaleString()} events/s into the big log: ${Math.round(paced.rate).toLocaleString()} events/s stored, p50 ${paced.p50.toFixed(1)} ms, p99 ${paced.p99.toFixed(1)} ms`,
    );
    const total = PREFILL + big.acked + paced.acked;
    const jsonl = await history(url, 'big', total, 'jsonl');
    console.log(
      `  history of ${total.toLocaleString()} events (jsonl chunks): ${jsonl.seconds.toFixed(2)} s, ${jsonl.got.toLocaleString()} received`,
    );
    const json = await history(url, 'big', total, 'json');
    console.log(
      `  history of ${total.toLocaleString()} events (original json batches): ${json.seconds.toFixed(2)} s, ${json.got.toLocaleString()} received`,
    );
    const stored = readFileSync(join(root, 'big', 'event_storage.log'), 'utf8').split('\n').length - 1;
    const lost =
      total -
      stored +
      (big.acked - Math.min(big.received, big.acked)) +
      (paced.acked - Math.min(paced.received, paced.acked)) +
      (empty.acked - Math.min(empty.received, empty.acked));
    console.log(
      `  stored ${stored.toLocaleString()} of ${total.toLocaleString()} acknowledged; live delivery ${(big.received + paced.received).toLocaleString()}/${(big.acked + paced.acked).toLocaleString()}; log size ${(statSync(join(root, 'big', 'event_storage.log')).size / 1e6).toFixed(0)} MB`,
    );
    const figures = {
      bench: 'events',
      prefill: PREFILL,
      events_per_s_empty_log: Math.round(empty.rate),
      events_per_s_1m_log: Math.round(big.rate),
      rate_ratio_1m_vs_empty: Number((big.rate / empty.rate).toFixed(3)),
      p99_latency_ms_at_50k_per_s: Number(paced.p99.toFixed(2)),
      p99_latency_ms_saturated: Number(big.p99.toFixed(2)),
      history_events: total,
      history_jsonl_s: Number(jsonl.seconds.toFixed(3)),
      history_json_s: Number(json.seconds.toFixed(3)),
      lost,
      goal_met: {
        ingestion_50k_per_s: big.rate >= 50_000 && empty.rate >= 50_000,
        flat_with_log_size: big.rate / empty.rate >= 0.8,
        p99_below_50ms_at_50k_per_s: paced.p99 < 50 && paced.rate >= 0.95 * PACE,
        history_of_1m_plus_below_3s: total >= 1_000_000 && jsonl.seconds < 3 && jsonl.got === total,
        nothing_lost: lost === 0 && big.failed === 0 && empty.failed === 0 && paced.failed === 0,
      },
    };
    console.log(JSON.stringify(figures));
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
