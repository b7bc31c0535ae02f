export { createWsEndpoint } from './createWsEndpoint.js';
export type { WsEndpoint, WsEndpointOptions } from './createWsEndpoint.js';
export { DEFAULT_MAX_EVENT_BYTES, validateEvent } from './validateEvent.js';
export { originAllowed } from './originAllowed.js';
