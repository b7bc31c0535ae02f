import type { Socket } from 'socket.io';

/** Packets socket.io may queue for a socket before a history replay waits for them to go out. */
const WRITE_BUFFER_HIGH_WATER = 8;

/** Waits until socket.io has handed its buffered packets to the transport (history backpressure). */
export async function drained(socket: Socket): Promise<void> {
  const conn = socket.conn as unknown as {
    writeBuffer: unknown[];
    once(event: 'drain' | 'close', listener: () => void): void;
    off(event: 'drain' | 'close', listener: () => void): void;
  };
  if (conn.writeBuffer.length < WRITE_BUFFER_HIGH_WATER || socket.disconnected) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      conn.off('drain', done);
      conn.off('close', done);
      resolve();
    };
    conn.once('drain', done);
    conn.once('close', done);
  });
}

/** Bytes a socket has produced that its client has not taken yet (engine.io queue and websocket buffer). */
export function bufferedBytes(socket: Socket): number {
  const conn = socket.conn as unknown as {
    writeBuffer: Array<{ data?: unknown }>;
    transport: { socket?: { bufferedAmount?: number } };
  };
  let bytes = conn.transport.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer) {
    const data = packet.data;
    bytes += typeof data === 'string' ? data.length : Buffer.isBuffer(data) ? data.length : 64;
  }
  return bytes;
}
