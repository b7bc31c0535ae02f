import { constants } from 'node:fs';
import { createInterface } from 'node:readline';
import { Router } from 'express';
import { MetricsQuerySchema } from '@mlgym/protocol';
import { notFound } from '../httpErrors.js';
import type { RestContext } from '../restContext.js';
import { EVENT_LOG_FILE, integerName, safeName } from '@mlgym/storage';

interface MetricRow {
  epoch: number;
  split: string;
  kind: 'metric' | 'loss';
  name: string;
  value: unknown;
}

function csvCell(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Metric and loss scores of one experiment, read from the grid search's event log. */
export function metricsRouter(ctx: RestContext): Router {
  const router = Router();
  router.get('/metrics/:gs/:exp', async (req, res) => {
    const gs = safeName(req.params['gs'], 'grid_search_id');
    const exp = integerName(req.params['exp'], 'experiment_id');
    const { format } = MetricsQuerySchema.parse(req.query);
    const file = await ctx.storage.checked(gs, EVENT_LOG_FILE);
    const rows: MetricRow[] = [];
    const fh = await ctx.storage.open(file, constants.O_RDONLY).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'STORAGE_PATH_UNSAFE') throw error;
      throw notFound(`the event log of ${gs}`);
    });
    const stream = fh.createReadStream({ encoding: 'utf8' });
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      if (!line.includes('"evaluation_result"')) continue;
      let event: { event_type?: unknown; payload?: Record<string, unknown> };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        continue; // a torn last line while the run is writing
      }
      const p = event.payload;
      if (event.event_type !== 'evaluation_result' || !p || p['experiment_id'] !== exp) continue;
      const epoch = p['epoch'] as number;
      for (const m of (p['metric_scores'] as Array<Record<string, unknown>> | undefined) ?? []) {
        rows.push({ epoch, split: String(m['split']), kind: 'metric', name: String(m['metric']), value: m['score'] });
      }
      for (const l of (p['loss_scores'] as Array<Record<string, unknown>> | undefined) ?? []) {
        rows.push({ epoch, split: String(l['split']), kind: 'loss', name: String(l['loss']), value: l['score'] });
      }
    }
    if (format === 'json') {
      res.json({ grid_search_id: gs, experiment_id: exp, rows });
      return;
    }
    res.type('text/csv').attachment(`${gs}_experiment_${exp}_metrics.csv`);
    res.send(
      [
        'epoch,split,kind,name,value',
        ...rows.map((r) => [r.epoch, r.split, r.kind, r.name, r.value].map(csvCell).join(',')),
      ].join('\n') + '\n',
    );
  });
  return router;
}
