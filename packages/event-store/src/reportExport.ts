import {
  REPORT_EXPERIMENT_FILES,
  REPORT_GRID_SEARCH_FILES,
  ReportEventCollector,
  encodeReportBundle,
  fillReportTemplate,
} from '@mlgym/protocol';
import type { ReportBundle } from '@mlgym/protocol';
import type { GridSearchStore } from '@mlgym/storage';
import { describeSource, readGridSearchLines } from './gridSearchSource.js';
import type { GridSearchSource } from './gridSearchSource.js';

export interface ReportExport {
  html: string;
  bundle: ReportBundle;
  experiments: number;
}

/** How many stored files are read at once (an HTTP store answers each in its own request). */
const FILE_READS_AT_ONCE = 8;

async function readFiles(store: GridSearchStore, gridSearchId: string, experiments: readonly number[]) {
  const wanted: Array<{ key: string; name: string; experiment?: number }> = [
    ...REPORT_GRID_SEARCH_FILES.map((name) => ({ key: name, name })),
    ...experiments.flatMap((experiment) =>
      REPORT_EXPERIMENT_FILES.map((name) => ({ key: `${experiment}/${name}`, name, experiment })),
    ),
  ];
  const files: Record<string, string> = {};
  for (let i = 0; i < wanted.length; i += FILE_READS_AT_ONCE) {
    const batch = wanted.slice(i, i + FILE_READS_AT_ONCE);
    const texts = await Promise.all(batch.map((w) => store.getConfig(gridSearchId, w.name, w.experiment)));
    batch.forEach((w, j) => {
      const text = texts[j];
      if (text !== undefined) files[w.key] = text;
    });
  }
  return files;
}

/**
 * A grid search as one self-contained HTML report: its events (all but the superseded progress ones) from a
 * storage folder or the websocket endpoint, its configs and each experiment's records from the store, packed into
 * the dashboard's report template (`@mlgym/dashboard/dist/report.html`).
 */
export async function exportReport(options: {
  source: GridSearchSource;
  store: GridSearchStore;
  gridSearchId: string;
  template: string;
  now?: Date;
}): Promise<ReportExport> {
  const { source, store, gridSearchId } = options;
  const collector = new ReportEventCollector();
  for await (const { id, line } of readGridSearchLines(source, gridSearchId)) collector.add(id, line);
  const events = collector.events();
  const experiments = new Set<number>();
  for (const [, event] of events) {
    const e = event as { event_type?: unknown; payload?: { experiment_id?: unknown } } | null;
    const id = e?.payload?.experiment_id;
    if (e?.event_type === 'experiment_config' && typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) {
      experiments.add(id);
    }
  }
  const ids = [...experiments].sort((a, b) => a - b);
  const bundle: ReportBundle = {
    format: 'mlgym-report',
    version: 1,
    grid_search_id: gridSearchId,
    exported_at: (options.now ?? new Date()).toISOString(),
    source: describeSource(source),
    log_events: collector.count,
    events,
    files: await readFiles(store, gridSearchId, ids),
  };
  const html = fillReportTemplate(
    options.template,
    await encodeReportBundle(bundle),
    `${gridSearchId} · MLboard report`,
  );
  return { html, bundle, experiments: ids.length };
}
