/**
 * Deepest nesting of arrays and objects an event may have. Recursive code downstream (socket.io's
 * encoder, JSON tooling in browsers) overflows its stack at a few thousand levels; real events
 * nest fewer than a dozen.
 */
export const MAX_JSON_DEPTH = 64;

/** Largest event, as JSON text. */
export const MAX_EVENT_BYTES = 1024 * 1024;

/**
 * True when `value` nests arrays/objects deeper than `limit` levels. Iterative, and stops at the
 * first level too deep, so a hostile value costs at most its size and never the stack.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, depth] = top;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * Roughly how many bytes `value` takes as JSON (escapes aside), counting no further than `limit`:
 * one iterative walk, so a schema can bound size without serialising a hostile value.
 */
export function jsonSizeAtLeast(value: unknown, limit: number): boolean {
  let bytes = 0;
  const stack: unknown[] = [value];
  for (let node = stack.pop(); bytes <= limit && (node !== undefined || stack.length > 0); node = stack.pop()) {
    if (typeof node === 'string') bytes += node.length + 2;
    else if (typeof node === 'number' || typeof node === 'boolean') bytes += String(node).length;
    else if (node === null || node === undefined) bytes += 4;
    else if (Array.isArray(node)) {
      bytes += 2 + node.length;
      for (const child of node) stack.push(child);
    } else if (typeof node === 'object') {
      const entries = Object.entries(node);
      bytes += 2 + entries.length;
      for (const [key, child] of entries) {
        bytes += key.length + 3;
        stack.push(child);
      }
    }
  }
  return bytes > limit;
}
