import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Router } from 'express';
import { writeSmallAtomic } from '@mlgym/storage';
import { notFound } from '../httpErrors.js';
import { readExperiment } from '@mlgym/storage';
import type { StorageRoot } from '@mlgym/storage';
import { buildModelCard } from '../modelCard.js';
import type { RestContext } from '../restContext.js';
import { integerName, safeName } from '@mlgym/storage';

const INPUTS = ['experiment_config.json', 'system_info.json', 'model_summary.json'] as const;

/** Reads the inputs once (symlinks refused): their texts and a fingerprint of exactly those texts. */
async function readInputs(storage: StorageRoot, files: string[], latest: number) {
  const texts = await Promise.all(files.map((f) => storage.readText(f).catch(() => undefined)));
  const hash = createHash('sha256');
  for (const t of texts) hash.update(t === undefined ? '-' : `${t.length}:${t}`).update('\0');
  return { texts, print: `${hash.digest('hex')}|${latest}` };
}

function parsed(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `GET /model-card/{gs}/{exp}`: built from stored JSON, cached, rebuilt whenever an input changes. */
export function modelCardRouter(ctx: RestContext): Router {
  const router = Router();
  router.get('/model-card/:gs/:exp', async (req, res) => {
    const gs = safeName(req.params['gs'], 'grid_search_id');
    const exp = integerName(req.params['exp'], 'experiment_id');
    const dir = await ctx.storage.checked(gs, exp);
    const inputFiles = [...INPUTS.map((f) => join(dir, f)), await ctx.storage.checked(gs, 'grid_search_config.yml')];
    const latest = (await readExperiment(ctx.storage, gs, exp))?.lastCheckpoint ?? -1;
    const { texts, print } = await readInputs(ctx.storage, inputFiles, latest);
    const [configText, systemText, summaryText, gsConfigText] = texts;
    const experimentConfig = parsed(configText);
    if (!experimentConfig || typeof experimentConfig !== 'object') throw notFound(`experiment ${gs}/${exp}`);
    const cacheFile = join(dir, 'model_card.json');
    const printFile = join(dir, '.model_card.fingerprint');
    if ((await ctx.storage.readText(printFile).catch(() => '')) === print) {
      const cached = await ctx.storage.readText(cacheFile).catch(() => undefined);
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
      gsConfigText,
      systemInfo: asObject(parsed(systemText)),
      modelSummary: asObject(parsed(summaryText)),
      latestCheckpointEpoch: latest,
    });
    const text = JSON.stringify(card);
    await writeSmallAtomic(cacheFile, text);
    await writeSmallAtomic(printFile, print);
    res.type('application/json').send(text);
  });
  return router;
}
