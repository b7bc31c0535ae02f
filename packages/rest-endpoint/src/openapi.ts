import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { REST_ROUTES } from '@mlgym/protocol';
import type { RestRoute } from '@mlgym/protocol';

const ErrorSchema = z.object({ code: z.string(), message: z.string() });
const error = { description: 'error', content: { 'application/json': { schema: ErrorSchema } } };
const errors = { 400: error, 401: error, 403: error, 404: error, 409: error, 413: error, 500: error };

/** `/a/:b/:c` → `/a/{b}/{c}` */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}');

function body(route: RestRoute) {
  if (!route.body) return undefined;
  if ('json' in route.body) return { content: { 'application/json': { schema: route.body.json } }, required: true };
  return {
    description: route.body.description,
    content: { [route.body.mediaType]: { schema: z.string().describe('binary') } },
    required: true,
  };
}

let cached: object | undefined;

/** The OpenAPI 3.1 description served at `/openapi.json`, generated from the route schemas of @mlgym/protocol. */
export function openApiDocument(): object {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  for (const route of REST_ROUTES) {
    const requestBody = body(route);
    registry.registerPath({
      method: route.method,
      path: openApiPath(route.path),
      summary: route.summary,
      description:
        route.scope === null
          ? 'Answered without a token.'
          : `Where the endpoint has tokens: one with the ${route.scope} scope${route.path.includes(':gs') ? ' whose grid search patterns match {gs}' : ''}.`,
      security: route.scope === null ? [] : [{ bearer: [] }],
      request: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(requestBody ? { body: requestBody } : {}),
      },
      responses: {
        200: {
          description: 'success',
          ...(route.answer
            ? { content: { 'application/json': { schema: route.answer } } }
            : route.answerType
              ? { content: { [route.answerType]: { schema: z.string() } } }
              : {}),
        },
        ...errors,
      },
    });
  }
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'ml_board_rest_endpoint',
      version: '0.1.0',
      description:
        'Configs, checkpoints, experiments and model cards of mlgym grid searches. Paths and storage layout follow the original MLboard.',
    },
    security: [{ bearer: [] }, {}],
  });
  return cached;
}
