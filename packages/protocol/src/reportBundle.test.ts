import { describe, expect, it } from 'vitest';
import {
  REPORT_DATA_PLACEHOLDER,
  REPORT_TITLE_PLACEHOLDER,
  ReportEventCollector,
  decodeReportBundle,
  encodeReportBundle,
  fillReportTemplate,
} from './reportBundle.js';
import type { ReportBundle } from './reportBundle.js';

const status = (experiment: number, batch: number) =>
  JSON.stringify({
    event_type: 'experiment_status',
    creation_ts: 1,
    payload: { experiment_id: experiment, current_batch: batch },
  });
const evaluation = (experiment: number, epoch: number) =>
  JSON.stringify({ event_type: 'evaluation_result', creation_ts: 1, payload: { experiment_id: experiment, epoch } });

describe('ReportEventCollector', () => {
  it('keeps every event but progress, of which each experiment keeps its last, in log order', () => {
    const c = new ReportEventCollector();
    const lines = [status(0, 1), status(1, 1), evaluation(0, 0), status(0, 2), '{torn', status(1, 9), evaluation(1, 0)];
    lines.forEach((line, id) => c.add(id, line));
    expect(c.count).toBe(7);
    expect(c.events().map(([id]) => id)).toEqual([2, 3, 5, 6]);
    expect(c.events()[1]![1]).toMatchObject({ payload: { experiment_id: 0, current_batch: 2 } });
  });
});

describe('report data', () => {
  it('round-trips a bundle through gzip and base64, and fills the template', async () => {
    const bundle: ReportBundle = {
      format: 'mlgym-report',
      version: 1,
      grid_search_id: 'gs-1',
      exported_at: '2026-12-07T15:00:00.000Z',
      source: 'the event storage event_storage',
      log_events: 3,
      events: [[2, JSON.parse(evaluation(0, 0)) as unknown]],
      files: { 'run_config.yml': 'a: 1\n', '0/system_info.json': '{"x":"<script>é"}' },
    };
    const data = await encodeReportBundle(bundle);
    expect(data).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(await decodeReportBundle(data)).toEqual(bundle);
    // the template's own script names both placeholders (the board fills reports too): they stay as they are
    const script = `<script>const p = ['${REPORT_TITLE_PLACEHOLDER}', '${REPORT_DATA_PLACEHOLDER}'];</script>`;
    const template = `<head><title>${REPORT_TITLE_PLACEHOLDER}</title>${script}</head><body><script type="application/octet-stream" id="mlgym-report-data">${REPORT_DATA_PLACEHOLDER}</script></body>`;
    expect(fillReportTemplate(template, data, 'a <b> & $&')).toBe(
      `<head><title>a &lt;b&gt; &amp; $&amp;</title>${script}</head><body><script type="application/octet-stream" id="mlgym-report-data">${data}</script></body>`,
    );
    expect(() => fillReportTemplate('<html><body></body>', data, 't')).toThrow(
      /no @@MLGYM_REPORT_DATA@@ in its data element/,
    );
    expect(() => fillReportTemplate(template, '</script><script>', 't')).toThrow(/base64/);
  });
});
