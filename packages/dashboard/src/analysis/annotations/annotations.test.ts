import { describe, expect, it } from 'vitest';
import { createEventFolder } from '../../connection/events/eventFolder';
import { deliver, testStore } from '../../test/fakes';
import { annotation, experimentConfig, systemMetrics } from '../../test/events';
import { selectFilteredExperimentIds } from '../analysisSelectors';
import { columnFilterSet, quickFilterChanged } from '../analysisSlice';
import { selectGridRows } from '../experimentTable';
import { selectSystemSummaries } from '../system/systemSelectors';
import { selectAnnotation, selectTagCounts, selectTagsByExperiment } from './annotationSelectors';
import { renderNote } from './noteMarkdown';
import { tagColor } from './tagColor';

describe('annotations in the event fold', () => {
  it('folds tags and notes in log order and posts each target it changed, whole, once', () => {
    const folder = createEventFolder();
    folder.fold(0, annotation(1, { add: ['best', 'mnist'] }));
    folder.fold(1, annotation(1, { remove: ['mnist'] }));
    folder.fold(2, annotation(null, { note: '# Sweep', author: 'ann' }));
    const update = folder.take();
    expect(update.annotations).toEqual([
      { experiment_id: 1, target: { tags: ['best'], note: null, replaced: null } },
      {
        experiment_id: null,
        target: {
          tags: [],
          note: { text: '# Sweep', author: 'ann', time: 1_800_000_000, event_id: 2 },
          replaced: null,
        },
      },
    ]);
    expect(update.rows).toEqual([]); // an annotation makes no row
    expect(folder.take().annotations).toBeUndefined();
    // a later edit builds on what was folded before
    folder.fold(3, annotation(1, { add: ['x'] }));
    expect(folder.take().annotations).toEqual([
      { experiment_id: 1, target: { tags: ['best', 'x'], note: null, replaced: null } },
    ]);
  });

  it('turns system metric samples into one series per metric, x the sample time', () => {
    const folder = createEventFolder();
    folder.fold(0, systemMetrics(2, 100, { cpu: 90, rss: 3e8 }));
    folder.fold(1, systemMetrics(2, 110, { cpu: 110, rss: 5e8 }));
    const system = folder.take().system ?? [];
    const rss = system.find((p) => p.key === 'rss_bytes');
    expect([...(rss?.epochs ?? [])]).toEqual([100, 110]);
    expect([...(rss?.values ?? [])]).toEqual([3e8, 5e8]);
    expect(system.map((p) => p.key)).not.toContain('gpu_memory_bytes');
  });
});

describe('the annotations in the store', () => {
  it('give each experiment its tags for the table, the filters and grouping, and the grid search its note', () => {
    const { store } = testStore();
    deliver(store, [
      experimentConfig(0, 0.1, 16),
      experimentConfig(1, 0.01, 16),
      experimentConfig(2, 0.001, 16),
      annotation(0, { add: ['baseline'] }),
      annotation(1, { add: ['best', 'mnist'] }),
      annotation(null, { add: ['sweep'], note: 'lr **matters**' }),
    ]);
    const s = store.getState();
    expect(selectTagsByExperiment(s)).toEqual({ 0: ['baseline'], 1: ['best', 'mnist'] });
    expect(selectGridRows(s).map((r) => r['tags'])).toEqual([['baseline'], ['best', 'mnist'], []]);
    expect(selectTagCounts(s)).toEqual([
      { tag: 'baseline', count: 1 },
      { tag: 'best', count: 1 },
      { tag: 'mnist', count: 1 },
      { tag: 'sweep', count: 0 },
    ]);
    expect(selectAnnotation(s, null).note?.text).toBe('lr **matters**');
    // the table's filters see tags: a value of the set, or text
    store.dispatch(columnFilterSet({ column: 'tags', filter: { column: 'tags', kind: 'set', values: ['best'] } }));
    expect([...(selectFilteredExperimentIds(store.getState()) ?? [])]).toEqual([1]);
    store.dispatch(columnFilterSet({ column: 'tags', filter: null }));
    store.dispatch(quickFilterChanged('baseline'));
    expect([...(selectFilteredExperimentIds(store.getState()) ?? [])]).toEqual([0]);
  });

  it("gives the table each experiment's peak RSS and mean CPU from its system metrics", () => {
    const { store } = testStore();
    deliver(store, [
      experimentConfig(0, 0.1, 16),
      systemMetrics(0, 100, { cpu: 90, rss: 3e8 }),
      systemMetrics(0, 110, { cpu: 110, rss: 5e8 }),
      systemMetrics(0, 120, { cpu: 100, rss: 4e8 }),
    ]);
    expect(selectSystemSummaries(store.getState())).toEqual({ 0: { peak_rss: 5e8, mean_cpu: 100 } });
    expect(selectGridRows(store.getState())[0]).toMatchObject({ peak_rss: 5e8, mean_cpu: 100 });
  });
});

describe('notes', () => {
  it('render Markdown with no HTML of their own, links only to http(s), no images', () => {
    const html = renderNote(
      '<script>alert(1)</script> <img src=x onerror="alert(2)"> **bold** [site](https://example.org)',
    );
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<a href="https://example.org" target="_blank" rel="noopener noreferrer nofollow">site</a>');
    const risky = renderNote('[x](javascript:alert(1)) [y](data:text/html,hi) ![i](https://example.org/i.png)');
    // neither script nor data URLs become links; an image is only linked, never loaded
    expect(risky).not.toMatch(/<img|href="(javascript|data):/);
    expect(risky).toContain('[x](javascript:alert(1))');
  });

  it('give a tag the same colour everywhere', () => {
    expect(tagColor('best')).toBe(tagColor('best'));
    expect(new Set(['a', 'b', 'c', 'd', 'e', 'f'].map(tagColor)).size).toBeGreaterThan(2);
  });
});
