/**
 * Debug switches, read once from the page URL at start so a benchmark can measure what each
 * design choice gains: `?decimation=off` draws every point, `?batching=off` makes the socket
 * worker post to the page once per socket message (as the original dispatched) instead of at
 * most ~5 times a second.
 */
export interface DebugSwitches {
  decimation: boolean;
  batching: boolean;
}

function read(): DebugSwitches {
  const params = new URLSearchParams(typeof location === 'undefined' ? '' : location.search);
  return { decimation: params.get('decimation') !== 'off', batching: params.get('batching') !== 'off' };
}

export const debugSwitches: Readonly<DebugSwitches> = Object.freeze(read());
