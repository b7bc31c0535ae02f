import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { PublishAck } from '@mlgym/protocol';
import { repo, startApp, stopped, until } from './helpers.js';

const GS = '2024-01-01--00-00-00';
const event = (seq: number) => ({
  event_type: 'experiment_status',
  creation_ts: seq,
  payload: {
    grid_search_id: GS,
    experiment_id: 0,
    status: 'train',
    num_epochs: 1,
    current_epoch: 0,
    splits: ['train'],
    current_split: 'train',
    num_batches: 10,
    current_batch: 1,
  },
});

describe('ml_board_ws_endpoint killed with SIGKILL during a burst', () => {
  // A killed process loses nothing the OS has (the page cache): with every sync policy, what was acknowledged stays.
  it.each([['always'], ['interval:50']])(
    'keeps every acknowledged event exactly once with --fsync %s; re-sent batches are not duplicated',
    async (fsync) => {
      const storage = mkdtempSync(join(tmpdir(), 'mlgym-crash-'));
      const args = ['--port', '0', '--event_storage_path', storage, '--fsync', fsync];
      const first = await startApp('ml_board_ws_endpoint', args);
      const socket = connect(`http://127.0.0.1:${first.port}`, { transports: ['websocket'], reconnection: false });
      const BATCH = 200;
      const acked = new Set<number>();
      let sent = 0;
      let killed = false;
      const burst = (async () => {
        while (!killed) {
          const firstSeq = sent;
          const events = Array.from({ length: BATCH }, (_, i) => event(firstSeq + i));
          sent += BATCH;
          const ack = await new Promise<PublishAck | undefined>((resolve) => {
            socket
              .timeout(2000)
              .emit(
                'mlgym_events',
                { publisher_id: 'burst', first_seq: firstSeq, events },
                (err: Error | null, a?: PublishAck) => resolve(err ? undefined : a),
              );
          });
          if (ack?.ok) for (let i = 0; i < BATCH; i++) acked.add(firstSeq + i);
          else break;
        }
      })();
      await until(() => acked.size >= 20 * BATCH, 20_000, 'a burst of acknowledged events');
      await new Promise((r) => setTimeout(r, Math.random() * 50));
      first.child.kill('SIGKILL');
      killed = true;
      await stopped(first.child);
      await burst;
      socket.close();

      const second = await startApp('ml_board_ws_endpoint', args);
      try {
        const lines = readFileSync(join(storage, GS, 'event_storage.log'), 'utf8')
          .trimEnd()
          .split('\n');
        const stored = lines.map((l) => (JSON.parse(l) as { creation_ts: number }).creation_ts);
        expect(new Set(stored).size).toBe(stored.length);
        for (const seq of acked) expect(stored).toContain(seq);

        // The publisher re-sends everything it has not had acknowledged: nothing doubles.
        const again = connect(`http://127.0.0.1:${second.port}`, { transports: ['websocket'] });
        for (let firstSeq = 0; firstSeq < sent; firstSeq += BATCH) {
          const events = Array.from({ length: BATCH }, (_, i) => event(firstSeq + i));
          const ack = await new Promise<PublishAck>((resolve) =>
            again.emit('mlgym_events', { publisher_id: 'burst', first_seq: firstSeq, events }, resolve),
          );
          expect(ack.ok).toBe(true);
        }
        again.close();
        const final = readFileSync(join(storage, GS, 'event_storage.log'), 'utf8')
          .trimEnd()
          .split('\n');
        expect(final.map((l) => (JSON.parse(l) as { creation_ts: number }).creation_ts)).toEqual(
          Array.from({ length: sent }, (_, i) => i),
        );
      } finally {
        second.child.kill('SIGTERM');
        await stopped(second.child);
      }
    },
  );

  it('refuses an --fsync policy it does not know, naming the forms it takes', () => {
    const bin = join(repo, 'apps/ml_board_ws_endpoint/dist/cli.js');
    for (const bad of ['interval:soon', 'sometimes']) {
      const run = spawnSync(process.execPath, [bin, '--port', '0', '--fsync', bad], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/--fsync.*always, never or interval:<ms>/s);
    }
  });

  it('refuses to start a second server on the same storage folder, with a clear message', async () => {
    const storage = mkdtempSync(join(tmpdir(), 'mlgym-lock-'));
    const first = await startApp('ml_board_ws_endpoint', ['--port', '0', '--event_storage_path', storage]);
    try {
      await expect(startApp('ml_board_ws_endpoint', ['--port', '0', '--event_storage_path', storage])).rejects.toThrow(
        /already being written by process \d+.*Two servers must not write the same event log/s,
      );
    } finally {
      first.child.kill('SIGTERM');
      await stopped(first.child);
    }
  });
});
