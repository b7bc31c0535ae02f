import type { EventLog, EventLogProvider } from '@mlgym/event-store';
import type { MlgymServer } from './socketAccess.js';
import { bufferedBytes } from './socketBuffer.js';

export interface RoomLogsOptions {
  storage: EventLogProvider;
  io: MlgymServer;
  /** A subscriber with more unsent output than this is disconnected (it stopped reading). */
  maxBufferedBytes: number;
  report: (line: string) => void;
}

/**
 * The rooms' lifecycle: a grid search's log is opened once, on first use, with one commit listener
 * that broadcasts every commit to the room and then drops the subscribers that stopped reading.
 */
export function createRoomLogs(o: RoomLogsOptions) {
  const watched = new Map<string, Promise<EventLog>>();
  const unsubscribe: Array<() => void> = [];

  /** Disconnects the room's subscribers that stopped reading (their unsent output is over the bound). */
  function dropSlowSubscribers(room: string): void {
    for (const id of o.io.sockets.adapter.rooms.get(room) ?? []) {
      const socket = o.io.sockets.sockets.get(id);
      if (socket && bufferedBytes(socket) > o.maxBufferedBytes) {
        o.report(`ws endpoint: disconnecting ${id}: more than ${o.maxBufferedBytes} bytes unsent (it stopped reading)`);
        socket.disconnect(true);
        // A websocket close handshake would wait behind the unread output: drop the connection.
        (socket.conn.transport as unknown as { socket?: { terminate?: () => void } }).socket?.terminate?.();
      }
    }
  }

  function broadcast(gridSearchId: string, firstId: number, events: readonly unknown[]): void {
    const message =
      events.length === 1
        ? { event_id: firstId, data: events[0] }
        : {
            event_id: 'batched_events' as const,
            data: events.map((data, i) => ({ event_id: firstId + i, data })),
          };
    try {
      o.io.to(gridSearchId).emit('mlgym_event', message);
    } catch (error) {
      o.report(`ws endpoint: broadcasting events ${firstId}.. of ${gridSearchId} failed: ${String(error)}`);
    }
    dropSlowSubscribers(gridSearchId);
  }

  return {
    /** The grid search's log, opened (and followed) on first use. */
    logFor(gridSearchId: string): Promise<EventLog> {
      let opening = watched.get(gridSearchId);
      if (!opening) {
        opening = o.storage.log(gridSearchId).then((log) => {
          unsubscribe.push(log.onCommit((firstId, events) => broadcast(gridSearchId, firstId, events)));
          return log;
        });
        watched.set(gridSearchId, opening);
        opening.catch(() => watched.delete(gridSearchId));
      }
      return opening;
    },
    /** Stops following every log. */
    close(): void {
      for (const off of unsubscribe.splice(0)) off();
    },
  };
}
export type LogFor = ReturnType<typeof createRoomLogs>['logFor'];
