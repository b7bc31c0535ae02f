export { createRestApp } from './createRestApp.js';
export type { RestAppOptions } from './createRestApp.js';
export { buildModelCard, pipelineTree } from './modelCard.js';
export type { ModelCardInputs, PipelineNode } from './modelCard.js';
export { openApiDocument } from './openapi.js';
export { sweepTemporaries } from '@mlgym/storage';
export { httpStatusOf } from './httpErrors.js';
