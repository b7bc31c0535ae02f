import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Router } from 'express';
import { writeSmallAtomic } from '@mlgym/storage';
import { notFound } from '../httpErrors.js';
import { lastCheckpointId, readJson } from '@mlgym/storage';
import { buildModelCard } from '../modelCard.js';
import type { RestContext } from '../restContext.js';
import { integerName, safeName } from '@mlgym/storage';

const INPUTS = ['experiment_config.json', 'system_info.json', 'model_summary.json'] as const;

async function fingerprint(files: string[], latest: number): Promise<string> {
  const parts = await Promise.all(
    files.map(async (f) => {
      const s = await stat(f).catch(() => undefined);
      return s ? `${s.size}:${s.mtimeMs}` : '-';
    }),
  );
  return `${parts.join('|')}|${latest}`;
}

/** `GET /model-card/{gs}/{exp}`: built from stored JSON, cached, rebuilt whenever an input changes. */
export function modelCardRouter(ctx: RestContext): Router {
  const router = Router();
  router.get('/model-card/:gs/:exp', async (req, res) => {
    const gs = safeName(req.params['gs'], 'grid_search_id');
    const exp = integerName(req.params['exp'], 'experiment_id');
    const dir = await ctx.storage.checked(gs, exp);
    const inputFiles = [...INPUTS.map((f) => join(dir, f)), await ctx.storage.checked(gs, 'grid_search_config.yml')];
    const experimentConfig = await readJson(join(dir, 'experiment_config.json')).catch(() => undefined);
    if (!experimentConfig || typeof experimentConfig !== 'object') throw notFound(`experiment ${gs}/${exp}`);
    const latest = await lastCheckpointId(dir);
    const print = await fingerprint(inputFiles, latest);
    const cacheFile = join(dir, 'model_card.json');
    const printFile = join(dir, '.model_card.fingerprint');
    if ((await readFile(printFile, 'utf8').catch(() => '')) === print) {
      const cached = await readFile(cacheFile, 'utf8').catch(() => undefined);
      if (cached) {
        res.type('application/json').send(cached);
        return;
      }
    }
    const asObject = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined);
    const card = buildModelCard({
      gridSearchId: gs,
      experimentId: exp,
      experimentConfig: experimentConfig as Parameters<typeof buildModelCard>[0]['experimentConfig'],
      gsConfigText: await readFile(inputFiles[3] as string, 'utf8').catch(() => undefined),
      systemInfo: asObject(await readJson(join(dir, 'system_info.json')).catch(() => undefined)),
      modelSummary: asObject(await readJson(join(dir, 'model_summary.json')).catch(() => undefined)),
      latestCheckpointEpoch: latest,
    });
    const text = JSON.stringify(card);
    await writeSmallAtomic(cacheFile, text);
    await writeSmallAtomic(printFile, print);
    res.type('application/json').send(text);
  });
  return router;
}
