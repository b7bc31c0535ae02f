import { z } from 'zod';
import { ExperimentStatusEntrySchema, PutConfigBodySchema } from '@mlgym/protocol';

const path = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
});
const gs = path('gs', 'grid search id, e.g. 2023-06-03--10-26-58');
const exp = path('exp', 'experiment id', { type: 'integer', minimum: 0 });
const epoch = path('epoch', 'epoch', { type: 'integer', minimum: 0 });
const resource = path('resource', 'checkpoint file name, e.g. model.bin');
const configName = path(
  'config_name',
  'config file name; GET appends .yml (grid search) or .json (experiment) when missing',
);
const error = {
  description: 'error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
const ok = (description: string, schema: Record<string, unknown> = {}) => ({
  description,
  content: { 'application/json': { schema } },
});
const errors = { 400: error, 401: error, 403: error, 404: error, 409: error, 413: error, 500: error };
const checkpointList = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      experiment_id: { type: 'integer' },
      epoch: { type: 'integer' },
      checkpoints: { type: 'array', items: { type: 'string' } },
    },
  },
};

/** The OpenAPI 3.1 description served at `/openapi.json`. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'ml_board_rest_endpoint',
      version: '0.1.0',
      description:
        'Configs, checkpoints, experiments and model cards of mlgym grid searches. Paths and storage layout follow the original MLboard.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          properties: { code: { type: 'string' }, message: { type: 'string' } },
          required: ['code', 'message'],
        },
        PutConfigBody: z.toJSONSchema(PutConfigBodySchema),
        ExperimentStatus: z.toJSONSchema(ExperimentStatusEntrySchema),
      },
    },
    security: [{ bearer: [] }, {}],
    paths: {
      '/grid_searches': {
        get: { summary: 'list grid searches', responses: { 200: ok('grid searches, newest first'), ...errors } },
      },
      '/grid_searches/{gs}/experiments': {
        get: {
          summary: 'experiments with their last checkpoint (warm start)',
          parameters: [gs],
          responses: {
            200: ok('experiments', { type: 'array', items: { $ref: '#/components/schemas/ExperimentStatus' } }),
            ...errors,
          },
        },
      },
      '/grid_searches/{gs}/{config_name}': {
        get: {
          summary: 'raw grid-search level config (YAML)',
          parameters: [gs, configName],
          responses: { 200: { description: 'file content' }, ...errors },
        },
        put: {
          summary: 'store a grid-search level config',
          parameters: [gs, configName],
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/PutConfigBody' } } } },
          responses: { 200: ok('null'), ...errors },
        },
      },
      '/grid_searches/{gs}/{exp}/{config_name}': {
        get: {
          summary: 'experiment level config (JSON)',
          parameters: [gs, exp, configName],
          responses: { 200: { description: 'file content' }, ...errors },
        },
        put: {
          summary: 'store an experiment level config',
          parameters: [gs, exp, configName],
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/PutConfigBody' } } } },
          responses: { 200: ok('null'), ...errors },
        },
      },
      '/checkpoint_list/{gs}/{exp}': {
        get: {
          summary: 'epochs with checkpoints, newest first',
          parameters: [gs, exp],
          responses: { 200: ok('list', checkpointList), ...errors },
        },
      },
      '/checkpoint_list/{gs}/{exp}/{epoch}': {
        get: {
          summary: 'checkpoint files of one epoch',
          parameters: [gs, exp, epoch],
          responses: { 200: ok('list', checkpointList), ...errors },
        },
      },
      '/checkpoints/{gs}/{exp}/{epoch}': {
        post: {
          summary: 'upload a checkpoint file (multipart field checkpoint_file)',
          parameters: [gs, exp, epoch],
          requestBody: {
            content: {
              'multipart/form-data': {
                schema: { type: 'object', properties: { checkpoint_file: { type: 'string', format: 'binary' } } },
              },
            },
          },
          responses: {
            200: ok('stored', {
              type: 'object',
              properties: { file: { type: 'string' }, size: { type: 'integer' }, sha256: { type: 'string' } },
            }),
            ...errors,
          },
        },
        delete: { summary: 'delete an epoch', parameters: [gs, exp, epoch], responses: { 200: ok('null'), ...errors } },
      },
      '/checkpoints/{gs}/{exp}/{epoch}/{resource}': {
        get: {
          summary: 'download a checkpoint file (Range supported; X-Checksum-Sha256 and Repr-Digest headers)',
          parameters: [gs, exp, epoch, resource],
          responses: { 200: { description: 'bytes' }, 206: { description: 'partial content' }, ...errors },
        },
        put: {
          summary:
            'upload a checkpoint file as a raw body (atomic; returns its sha256; X-Checksum-Sha256, Repr-Digest and Content-Digest are checked)',
          parameters: [gs, exp, epoch, resource],
          requestBody: { content: { 'application/octet-stream': {} } },
          responses: { 200: ok('stored'), ...errors },
        },
        delete: {
          summary: 'delete one checkpoint file (and the epoch when it becomes empty)',
          parameters: [gs, exp, epoch, resource],
          responses: { 200: ok('null'), ...errors },
        },
      },
      '/checkpoints/{gs}/{exp}/{epoch}/{resource}/chunks': {
        get: {
          summary: 'state of a chunked upload (for resuming)',
          parameters: [gs, exp, epoch, resource],
          responses: { 200: ok('state'), ...errors },
        },
      },
      '/checkpoints/{gs}/{exp}/{epoch}/{resource}/chunks/{chunk_id}': {
        put: {
          summary: 'upload one chunk (raw body); the file appears atomically when the last one arrives',
          parameters: [
            gs,
            exp,
            epoch,
            resource,
            path('chunk_id', 'chunk index', { type: 'integer', minimum: 0 }),
            { name: 'num_chunks', in: 'query', required: true, schema: { type: 'integer', minimum: 1 } },
            { name: 'chunk_size', in: 'query', schema: { type: 'integer', minimum: 1 } },
            {
              name: 'sha256',
              in: 'query',
              description: "the whole file's sha256: names this upload (chunks of another one get 409) and is checked",
              schema: { type: 'string', pattern: '^[0-9a-f]{64}$' },
            },
          ],
          requestBody: { content: { 'application/octet-stream': {} } },
          responses: { 200: ok('state'), ...errors },
        },
      },
      '/model-card/{gs}/{exp}': {
        get: { summary: 'model card', parameters: [gs, exp], responses: { 200: ok('card'), ...errors } },
      },
      '/system-info/{gs}/{exp}': {
        get: {
          summary: 'training machine of an experiment',
          parameters: [gs, exp],
          responses: { 200: ok('system info'), ...errors },
        },
      },
      '/metrics/{gs}/{exp}': {
        get: {
          summary: 'metric and loss scores from the event log',
          parameters: [gs, exp, { name: 'format', in: 'query', schema: { enum: ['json', 'csv'] } }],
          responses: { 200: ok('rows'), ...errors },
        },
      },
    },
  };
}
