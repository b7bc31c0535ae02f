import {
  REPORT_EXPERIMENT_FILES,
  REPORT_GRID_SEARCH_FILES,
  ReportEventCollector,
  encodeReportBundle,
  fillReportTemplate,
} from '@mlgym/protocol';
import type { ReportBundle } from '@mlgym/protocol';
import { authorizationFor } from '../auth/tokenStorage';
import type { TokenStore } from '../auth/tokenStorage';
import { fetchHistory } from '../worker/historyFetch';

export interface BuildReportOptions {
  ws: string;
  rest: string;
  gs: string;
  tokens: TokenStore | undefined;
  /** Where the board's own files are (the report template is `report.html` beside index.html). */
  boardUrl: string;
  fetchFn?: typeof fetch;
  /** What is being done, for the button's label. */
  progress?: (text: string) => void;
}

const enc = encodeURIComponent;

/**
 * The report of the grid search on screen, as `ml_board export` writes it: the board's report template, the log's
 * events (all but superseded progress events) from the websocket endpoint's history, and the configs and
 * experiment records from the REST endpoint, with the tokens entered for each.
 */
export async function buildReport(o: BuildReportOptions): Promise<{ html: string; bundle: ReportBundle }> {
  const get = o.fetchFn ?? fetch;
  o.progress?.('template');
  const templateRes = await get(new URL('report.html', o.boardUrl).href);
  if (!templateRes.ok) throw new Error(`this board has no report template (report.html: HTTP ${templateRes.status})`);
  const template = await templateRes.text();
  o.progress?.('events');
  const collector = new ReportEventCollector();
  const history = await fetchHistory(
    {
      endpoint: o.ws,
      gridSearchId: o.gs,
      from: 0,
      authorization: authorizationFor(o.tokens, o.ws),
      fetchFn: get,
    },
    (id, line) => collector.add(id, line),
  );
  if (!history) throw new Error(`the websocket endpoint ${o.ws} did not send the history of ${o.gs}`);
  if (history.received < history.announced) {
    throw new Error(`the history of ${o.gs} broke off after ${history.received} of ${history.announced} events`);
  }
  const events = collector.events();
  const experiments = new Set<number>();
  for (const [, e] of events) {
    const event = e as { event_type?: unknown; payload?: { experiment_id?: unknown } } | null;
    const id = event?.payload?.experiment_id;
    if (event?.event_type === 'experiment_config' && typeof id === 'number') experiments.add(id);
  }
  o.progress?.('files');
  const files: Record<string, string> = {};
  const authorization = authorizationFor(o.tokens, o.rest);
  const read = async (key: string, path: string) => {
    const res = await get(`${o.rest}${path}`, { headers: authorization ? { authorization } : {} });
    if (res.ok) files[key] = await res.text();
    else await res.body?.cancel();
  };
  const wanted = [
    ...REPORT_GRID_SEARCH_FILES.map((name) => [name, `/grid_searches/${enc(o.gs)}/${enc(name)}`] as const),
    ...[...experiments].flatMap((id) =>
      REPORT_EXPERIMENT_FILES.map(
        (name) => [`${id}/${name}`, `/grid_searches/${enc(o.gs)}/${id}/${enc(name)}`] as const,
      ),
    ),
  ];
  for (let i = 0; i < wanted.length; i += 8) await Promise.all(wanted.slice(i, i + 8).map(([k, p]) => read(k, p)));
  o.progress?.('packing');
  const bundle: ReportBundle = {
    format: 'mlgym-report',
    version: 1,
    grid_search_id: o.gs,
    exported_at: new Date().toISOString(),
    source: `MLboard, from the websocket endpoint ${o.ws}`,
    log_events: collector.count,
    events,
    files,
  };
  const html = fillReportTemplate(template, await encodeReportBundle(bundle), `${o.gs} · MLboard report`);
  return { html, bundle };
}
