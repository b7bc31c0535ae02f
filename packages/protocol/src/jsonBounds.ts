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
