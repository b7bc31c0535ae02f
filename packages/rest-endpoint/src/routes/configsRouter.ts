import express, { Router } from 'express';
import type { Response } from 'express';
import { PutConfigBodySchema } from '@mlgym/protocol';
import { configSegments, writeSmallAtomic } from '@mlgym/storage';
import type { StorageRoot } from '@mlgym/storage';
import { badRequest, notFound } from '../httpErrors.js';
import { listGridSearches } from '@mlgym/storage';
import { principalOf } from '../accessGuard.js';
import type { RestContext } from '../restContext.js';
import { integerName, safeName } from '@mlgym/storage';

/** `run_config` → `run_config.yml`, `experiment_config` → `experiment_config.json`; full names pass as given. */
function withExtension(name: string, extension: '.yml' | '.json'): string {
  return /\.(ya?ml|json)$/.test(name) ? name : `${name}${extension}`;
}

async function sendFileText(
  storage: StorageRoot,
  res: Response,
  file: string,
  [type, what]: [string, string],
): Promise<void> {
  const text = await storage.readText(file);
  if (text === undefined) throw notFound(what);
  res.type(type).send(text);
}

/** Raw configs (grid-search level and experiment level), experiment statuses, system info, grid-search list. */
export function configsRouter(ctx: RestContext): Router {
  const router = Router();
  const { storage } = ctx;
  const json = express.json({ limit: ctx.maxChunkBytes });

  router.get('/grid_searches', async (_req, res) => {
    const principal = principalOf(res);
    res.json((await listGridSearches(storage.root)).filter((g) => ctx.access.mayRead(principal, g.grid_search_id)));
  });

  router.get('/grid_searches/:gs/experiments', async (req, res) => {
    const gs = safeName(req.params['gs'], 'grid_search_id');
    res.type('application/json').vary('Accept-Encoding');
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      res.setHeader('Content-Encoding', 'gzip');
      res.send(await ctx.listing.listGzip(gs));
    } else res.send(await ctx.listing.listJson(gs));
  });

  router.get('/grid_searches/:gs/:exp/:config_name', async (req, res) => {
    const gs = safeName(req.params['gs'], 'grid_search_id');
    const exp = integerName(req.params['exp'], 'experiment_id');
    const name = withExtension(safeName(req.params['config_name'], 'config_name'), '.json');
    const where = configSegments(name, 'experiment', 'read');
    await sendFileText(storage, res, await storage.checked(gs, exp, ...where), [
      'application/json',
      `config ${gs}/${exp}/${name}`,
    ]);
  });

  router.get('/grid_searches/:gs/:config_name', async (req, res) => {
    const gs = safeName(req.params['gs'], 'grid_search_id');
    const name = withExtension(safeName(req.params['config_name'], 'config_name'), '.yml');
    await sendFileText(storage, res, await storage.checked(gs, ...configSegments(name, 'grid_search', 'read')), [
      name.endsWith('.json') ? 'application/json' : 'application/yaml',
      `config ${gs}/${name}`,
    ]);
  });

  async function putConfig(segments: Array<string | number>, body: unknown, res: Response): Promise<void> {
    const parsed = PutConfigBodySchema.safeParse(body);
    if (!parsed.success)
      throw badRequest('a config upload is JSON {file_format: "YAML" | "JSON", content: string}', 'that body');
    const file = await storage.checked(...segments);
    await storage.ensureDir(...segments.slice(0, -1));
    await writeSmallAtomic(file, parsed.data.content);
    res.json(null);
  }

  router.put('/grid_searches/:gs/:config_name', json, async (req, res) => {
    await putConfig(
      [
        safeName(req.params['gs'], 'grid_search_id'),
        ...configSegments(req.params['config_name'], 'grid_search', 'write'),
      ],
      req.body,
      res,
    );
  });

  router.put('/grid_searches/:gs/:exp/:config_name', json, async (req, res) => {
    const segments = [
      safeName(req.params['gs'], 'grid_search_id'),
      integerName(req.params['exp'], 'experiment_id'),
      ...configSegments(req.params['config_name'], 'experiment', 'write'),
    ];
    await putConfig(segments, req.body, res);
  });

  router.get('/system-info/:gs/:exp', async (req, res) => {
    const gs = safeName(req.params['gs'], 'grid_search_id');
    const exp = integerName(req.params['exp'], 'experiment_id');
    await sendFileText(storage, res, await storage.checked(gs, exp, 'system_info.json'), [
      'application/json',
      `system info of ${gs}/${exp}`,
    ]);
  });

  return router;
}
