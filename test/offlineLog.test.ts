import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { LocalEventSink, creationTs } from '@mlgym/core';
import { FileEventStorage } from '@mlgym/event-store';
import type { MlgymEvent, MlgymEventMessage } from '@mlgym/protocol';
import { startApp, stopped } from './helpers.js';

describe('a run without logging servers', () => {
  it('writes the event log locally, and ml_board_ws_endpoint serves it afterwards', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mlgym-offline-'));
    const gs = '2024-04-04--04-04-04';
    const storage = new FileEventStorage(root);
    const sink = new LocalEventSink(await storage.log(gs));
    const events: MlgymEvent[] = Array.from({ length: 30 }, (_, epoch) => ({
      event_type: 'evaluation_result',
      creation_ts: creationTs(),
      payload: {
        grid_search_id: gs,
        experiment_id: 1,
        epoch,
        metric_scores: [{ metric: 'F1_SCORE_macro', split: 'val', score: epoch / 30 }],
        loss_scores: [],
      },
    }));
    for (const e of events) sink.emit(e);
    await sink.close();
    await storage.close();

    const server = await startApp('ml_board_ws_endpoint', ['--port', '0', '--event_storage_path', root]);
    try {
      const socket = connect(`http://127.0.0.1:${server.port}`, { transports: ['websocket'] });
      const got: MlgymEventMessage[] = [];
      socket.on('mlgym_event', (m: MlgymEventMessage) => got.push(m));
      await new Promise((r) => socket.emit('join', { rooms: [gs] }, r));
      const list = await new Promise<Array<{ grid_search_id: string }>>((r) => socket.emit('list_grid_searches', r));
      socket.close();
      expect(list.map((l) => l.grid_search_id)).toEqual([gs]);
      expect(got).toEqual([{ event_id: 'batched_events', data: events.map((data, i) => ({ event_id: i, data })) }]);
    } finally {
      server.child.kill('SIGTERM');
      await stopped(server.child);
    }
  });
});
