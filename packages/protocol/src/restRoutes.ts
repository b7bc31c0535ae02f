import { z } from 'zod';
import { whoamiResponseSchema } from './auth.js';
import type { TokenScope } from './auth.js';
import { SafeNameSchema } from './events.js';
import { CheckpointListEntrySchema, ExperimentStatusEntrySchema, PutConfigBodySchema } from './restBodies.js';

/** A path segment that is an experiment id, epoch or chunk number: a decimal integer ≥ 0 (as written in folder names). */
export const IntegerSegmentSchema = z
  .string()
  .regex(/^(0|[1-9]\d{0,8})$/, { error: 'expected a non-negative integer written in decimal (no sign, no leading 0)' });

const gs = SafeNameSchema.describe('grid search id, e.g. 2023-06-03--10-26-58');
const exp = IntegerSegmentSchema.describe('experiment id');
const epoch = IntegerSegmentSchema.describe('epoch');
const resource = SafeNameSchema.describe('checkpoint file name, e.g. model.bin');
const configName = SafeNameSchema.describe(
  'config file name; GET appends .yml (grid search) or .json (experiment) when missing',
);

const GsParams = z.strictObject({ gs });
const ExperimentParams = z.strictObject({ gs, exp });
const EpochParams = z.strictObject({ gs, exp, epoch });
const ResourceParams = z.strictObject({ gs, exp, epoch, resource });

/** Query of `PUT /checkpoints/{gs}/{exp}/{epoch}/{resource}/chunks/{chunk_id}`. */
export const ChunkUploadQuerySchema = z.strictObject({
  num_chunks: z.coerce.number().int().min(1).describe('how many chunks the file has'),
  chunk_size: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('size of every chunk but the last (may be left out when there is one chunk)'),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, { error: "expected the whole file's sha256 in lowercase hex" })
    .optional()
    .describe("the whole file's sha256: names the upload and is checked on assembly"),
});

/** Query of `GET /metrics/{gs}/{exp}`. */
export const MetricsQuerySchema = z.strictObject({
  format: z.enum(['json', 'csv']).default('json').describe('json rows or a CSV table'),
});

export interface RestRoute {
  method: 'get' | 'put' | 'post' | 'delete';
  /** Express-style path (`:name` parameters). */
  path: string;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** The body, when there is one: a JSON schema, or a media type with a description. */
  body?: { json: z.ZodType } | { mediaType: string; description: string };
  /** The 200 answer, when it is JSON of a known shape. */
  answer?: z.ZodType;
  /** Media type of a non-JSON 200 answer. */
  answerType?: string;
  /**
   * The token scope the route needs where the endpoint has tokens (null: answered without one). A route with a
   * `:gs` parameter also needs a token whose grid-search patterns match it. Required, so no route is left open.
   */
  scope: TokenScope | null;
}

/**
 * Every route of ml_board_rest_endpoint with the schemas of its inputs and the scope it needs: the endpoint
 * checks tokens and validates path and query against them before any handler runs, and `/openapi.json` is
 * generated from them.
 */
export const REST_ROUTES: readonly RestRoute[] = [
  { method: 'get', path: '/openapi.json', scope: 'read', summary: 'this document' },
  {
    method: 'get',
    path: '/whoami',
    scope: null,
    summary: 'who the bearer token sent (if any) stands for, and whether this endpoint needs one',
    answer: whoamiResponseSchema,
  },
  { method: 'get', path: '/grid_searches', scope: 'read', summary: 'grid searches in the store, newest first' },
  {
    method: 'get',
    path: '/grid_searches/:gs/experiments',
    scope: 'read',
    summary: 'experiments with their last checkpoint (warm start); gzipped for clients that take it',
    params: GsParams,
    answer: z.array(ExperimentStatusEntrySchema),
  },
  {
    method: 'get',
    path: '/grid_searches/:gs/:config_name',
    scope: 'read',
    summary: 'a grid-search level config, as stored',
    params: z.strictObject({ gs, config_name: configName }),
    answerType: 'application/yaml',
  },
  {
    method: 'put',
    path: '/grid_searches/:gs/:config_name',
    scope: 'write',
    summary: 'store a grid-search level config',
    params: z.strictObject({ gs, config_name: configName }),
    body: { json: PutConfigBodySchema },
  },
  {
    method: 'get',
    path: '/grid_searches/:gs/:exp/:config_name',
    scope: 'read',
    summary: 'an experiment level config, as stored',
    params: z.strictObject({ gs, exp, config_name: configName }),
  },
  {
    method: 'put',
    path: '/grid_searches/:gs/:exp/:config_name',
    scope: 'write',
    summary: 'store an experiment level config',
    params: z.strictObject({ gs, exp, config_name: configName }),
    body: { json: PutConfigBodySchema },
  },
  {
    method: 'get',
    path: '/system-info/:gs/:exp',
    scope: 'read',
    summary: 'the system an experiment ran on',
    params: ExperimentParams,
  },
  {
    method: 'get',
    path: '/checkpoint_list/:gs/:exp',
    scope: 'read',
    summary: 'epochs with checkpoints, newest first',
    params: ExperimentParams,
    answer: z.array(CheckpointListEntrySchema),
  },
  {
    method: 'get',
    path: '/checkpoint_list/:gs/:exp/:epoch',
    scope: 'read',
    summary: 'the files of one checkpoint',
    params: EpochParams,
    answer: z.array(CheckpointListEntrySchema),
  },
  {
    method: 'post',
    path: '/checkpoints/:gs/:exp/:epoch',
    scope: 'write',
    summary: 'upload a checkpoint file (multipart field checkpoint_file; the original protocol)',
    params: EpochParams,
    body: { mediaType: 'multipart/form-data', description: 'one file in the field checkpoint_file' },
  },
  {
    method: 'delete',
    path: '/checkpoints/:gs/:exp/:epoch',
    scope: 'write',
    summary: 'delete a checkpoint',
    params: EpochParams,
  },
  {
    method: 'get',
    path: '/checkpoints/:gs/:exp/:epoch/:resource',
    scope: 'read',
    summary: 'download a checkpoint file (Range supported; X-Checksum-Sha256 and Repr-Digest headers)',
    params: ResourceParams,
    answerType: 'application/octet-stream',
  },
  {
    method: 'put',
    path: '/checkpoints/:gs/:exp/:epoch/:resource',
    scope: 'write',
    summary: 'upload a checkpoint file as the raw body; answers its size and sha256',
    params: ResourceParams,
    body: { mediaType: 'application/octet-stream', description: 'the file' },
  },
  {
    method: 'delete',
    path: '/checkpoints/:gs/:exp/:epoch/:resource',
    scope: 'admin',
    summary: 'delete one checkpoint file',
    params: ResourceParams,
  },
  {
    method: 'get',
    path: '/checkpoints/:gs/:exp/:epoch/:resource/chunks',
    scope: 'read',
    summary: 'state of a chunked upload: the chunks received, or the digest once complete',
    params: ResourceParams,
  },
  {
    method: 'put',
    path: '/checkpoints/:gs/:exp/:epoch/:resource/chunks/:chunk_id',
    scope: 'write',
    summary: 'upload one chunk of a file (resumable); the last one assembles it',
    params: z.strictObject({ gs, exp, epoch, resource, chunk_id: IntegerSegmentSchema.describe('chunk number') }),
    query: ChunkUploadQuerySchema,
    body: { mediaType: 'application/octet-stream', description: 'the chunk' },
  },
  {
    method: 'get',
    path: '/model-card/:gs/:exp',
    scope: 'read',
    summary: 'the model card of an experiment, built from its stored configs',
    params: ExperimentParams,
  },
  {
    method: 'get',
    path: '/metrics/:gs/:exp',
    scope: 'read',
    summary: 'metric and loss scores per epoch and split, from the event log',
    params: ExperimentParams,
    query: MetricsQuerySchema,
  },
];
