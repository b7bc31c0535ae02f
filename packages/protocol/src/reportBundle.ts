import { z } from 'zod';
import { SafeNameSchema } from './safeName.js';

/**
 * A shareable report: the dashboard's single-file build (`report.html`) with a grid search's stored events and
 * files inside it, gzip-compressed and base64-encoded into one element that is data, never script. The page reads
 * it back, folds the events exactly as the live board folds its history, and answers the board's REST requests
 * from the files, so the report shows what the board shows, with no server and no network.
 */
export const REPORT_DATA_ELEMENT_ID = 'mlgym-report-data';
/** What the template holds where the data goes (inside the data element), and in its <title>. */
export const REPORT_DATA_PLACEHOLDER = '@@MLGYM_REPORT_DATA@@';
export const REPORT_TITLE_PLACEHOLDER = '@@MLGYM_REPORT_TITLE@@';

const eventId = z.number().int().nonnegative();

export const ReportBundleSchema = z.strictObject({
  format: z.literal('mlgym-report'),
  version: z.literal(1),
  grid_search_id: SafeNameSchema,
  /** ISO time of the export. */
  exported_at: z.string(),
  /** Where it was read (a storage folder or an endpoint), for the report's header. */
  source: z.string(),
  /** Events in the log (the report keeps fewer: only the last progress event of each experiment). */
  log_events: z.number().int().nonnegative(),
  /** The kept events with their ids in the log, in log order. */
  events: z.array(z.tuple([eventId, z.unknown()])),
  /** Stored files by their path under the grid search (`run_config.yml`, `3/system_info.json`, …). */
  files: z.record(z.string(), z.string()),
});
export type ReportBundle = z.infer<typeof ReportBundleSchema>;

/** The files a report carries beside the events: the grid search's configs and each experiment's records. */
export const REPORT_GRID_SEARCH_FILES = [
  'grid_search_config.yml',
  'run_config.yml',
  'validation_strategy_config.yml',
  'run_info.json',
] as const;
export const REPORT_EXPERIMENT_FILES = ['experiment_config.json', 'system_info.json', 'model_summary.json'] as const;

const PROGRESS = /"event_type"\s*:\s*"experiment_status"/;
const EXPERIMENT = /"experiment_id"\s*:\s*(\d+)/;

/**
 * Picks what a report needs of a log, line by line: every event but the progress ones (`experiment_status`,
 * about ten per epoch and split), of which each experiment keeps its last: the table shows no more of them.
 */
export class ReportEventCollector {
  private readonly kept: Array<[number, unknown]> = [];
  private readonly lastProgress = new Map<string, number>();
  count = 0;

  add(id: number, line: string): void {
    this.count++;
    if (PROGRESS.test(line)) {
      const experiment = EXPERIMENT.exec(line)?.[1] ?? '?';
      const at = this.lastProgress.get(experiment);
      const event = parse(line);
      if (event === undefined) return;
      if (at === undefined) {
        this.lastProgress.set(experiment, this.kept.length);
        this.kept.push([id, event]);
      } else this.kept[at] = [id, event];
      return;
    }
    const event = parse(line);
    if (event !== undefined) this.kept.push([id, event]);
  }

  /** The kept events in log order (a replaced progress event moved to its last id). */
  events(): Array<[number, unknown]> {
    return [...this.kept].sort((a, b) => a[0] - b[0]);
  }
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined; // a torn or foreign line: the live board skips it too
  }
}

const BASE64_CHUNK = 3 * 16_384;

function toBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += BASE64_CHUNK) {
    parts.push(btoa(String.fromCharCode(...bytes.subarray(i, i + BASE64_CHUNK))));
  }
  return parts.join('');
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function through(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

/** The bundle as the report's data element holds it: JSON, gzip, base64 (browser and node alike). */
export async function encodeReportBundle(bundle: ReportBundle): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(bundle));
  return toBase64(await through(json, new CompressionStream('gzip')));
}

export async function decodeReportBundle(text: string): Promise<ReportBundle> {
  const json = new TextDecoder().decode(await through(fromBase64(text.trim()), new DecompressionStream('gzip')));
  return ReportBundleSchema.parse(JSON.parse(json));
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/**
 * The report file: the template with the encoded bundle and a title in place. The template's script holds the
 * placeholders too (this very function is in it, for the board's Download report), so the data goes where the
 * placeholder last appears, which must be the data element's content (the build puts that element after the
 * script and checks it), and the title into the first `<title>`, which comes before the script.
 */
export function fillReportTemplate(template: string, data: string, title: string): string {
  const at = template.lastIndexOf(REPORT_DATA_PLACEHOLDER);
  const element = `id="${REPORT_DATA_ELEMENT_ID}">`;
  if (at < 0 || template.slice(at - element.length, at) !== element) {
    throw new Error(
      `the report template has no ${REPORT_DATA_PLACEHOLDER} in its data element (is it the dashboard's report.html?)`,
    );
  }
  if (!/^[A-Za-z0-9+/=]*$/.test(data)) throw new Error('report data must be base64');
  const head = template
    .slice(0, at)
    .replace(`<title>${REPORT_TITLE_PLACEHOLDER}</title>`, () => `<title>${escapeHtml(title)}</title>`);
  return head + data + template.slice(at + REPORT_DATA_PLACEHOLDER.length);
}
