import type { RawChunk } from '@mlgym/event-store';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '@mlgym/protocol';

/**
 * Parses a chunk of stored lines. An unparsable foreign line, or an event nested deeper than the
 * protocol allows (stored before depth was bounded; socket.io's recursive encoder could overflow on
 * it and fail every replay of the room), keeps its id but is not sent.
 */
export function parseChunk(chunk: RawChunk): Array<{ event_id: number; data: unknown }> {
  const lines = chunk.bytes.toString('utf8').split('\n');
  const out: Array<{ event_id: number; data: unknown }> = [];
  for (let i = 0; i < chunk.count; i++) {
    const line = lines[i] as string;
    let data: unknown;
    try {
      data = JSON.parse(line) as unknown;
    } catch {
      continue;
    }
    // Each level takes two characters: a short line cannot be too deep.
    if (line.length > 2 * MAX_JSON_DEPTH && nestsDeeperThan(data, MAX_JSON_DEPTH)) continue;
    out.push({ event_id: chunk.firstId + i, data });
  }
  return out;
}
