import { describe, expect, it } from 'vitest';
import {
  DEFAULT_VIEW,
  MAX_SAVED_VIEWS,
  SAVED_VIEWS_KEY,
  readSavedViews,
  readViewParams,
  withSavedView,
  writeSavedViews,
  writeViewParams,
} from './analysisView';
import type { AnalysisView } from './analysisView';

const memory = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
};

describe('the analysis view in the URL', () => {
  it('round-trips every grouping, band and expression, keeping the connection parameters', () => {
    const views: AnalysisView[] = [
      DEFAULT_VIEW,
      { groupBy: { kind: 'none' }, band: 'std', expression: '' },
      { groupBy: { kind: 'combination' }, band: 'minmax', expression: "lr < 0.01 and status != failed & x = 'a b'" },
      { groupBy: { kind: 'tag' }, band: 'none', expression: '' },
      {
        groupBy: { kind: 'keys', keys: ['optimizer.config.params.lr', 'grid_search'] },
        band: 'std',
        expression: 'tag:best',
      },
    ];
    for (const view of views) {
      const params = writeViewParams(view, new URLSearchParams('run_id=gs&ws_endpoint=http%3A%2F%2F127.0.0.1%3A1'));
      expect(params.get('run_id')).toBe('gs');
      expect(params.get('ws_endpoint')).toBe('http://127.0.0.1:1');
      // through the address bar's text and back
      expect(readViewParams(`?${params.toString()}`)).toEqual({ view, problems: [] });
    }
  });

  it('leaves defaults out of the URL', () => {
    expect(writeViewParams(DEFAULT_VIEW, new URLSearchParams('group=tag&band=none&q=x&run_id=a')).toString()).toBe(
      'run_id=a',
    );
    expect(
      writeViewParams(
        { groupBy: { kind: 'keys', keys: ['a.b'] }, band: 'std', expression: 'lr < 1' },
        new URLSearchParams(),
      ).toString(),
    ).toBe('group=key%3Aa.b&q=lr+%3C+1');
  });

  it("opens with the default where a link's value cannot be read, and says why", () => {
    const { view, problems } = readViewParams('?group=everything&band=wide&q=' + 'x'.repeat(5000));
    expect(view).toEqual(DEFAULT_VIEW);
    expect(problems).toEqual([
      'The link\'s grouping "everything" was not understood (expected none, combination, tag, or key:<config path> one or more times).',
      'The link\'s band "wide" was not understood (expected std, minmax or none).',
      "The link's filter is longer than 4,000 characters: ignored.",
    ]);
    expect(readViewParams('?group=tag&group=key:a').problems).toHaveLength(1);
    const many = readViewParams(Array.from({ length: 20 }, (_, i) => `group=key:k${i}`).join('&'));
    expect(many.view.groupBy).toEqual({ kind: 'keys', keys: Array.from({ length: 16 }, (_, i) => `k${i}`) });
    expect(many.problems).toEqual(['The link groups by more than 16 keys: the first 16 are kept.']);
  });
});

describe('saved views', () => {
  const view: AnalysisView = { groupBy: { kind: 'combination' }, band: 'minmax', expression: 'lr < 0.01' };

  it('saves under a name, replaces a view of the same name, and reads them back', () => {
    const storage = memory();
    let views = withSavedView([], ' folds ', view);
    views = withSavedView(views, 'failed', { ...DEFAULT_VIEW, expression: 'status == failed' });
    views = withSavedView(views, 'folds', { ...view, band: 'std' });
    writeSavedViews(storage, views);
    expect(readSavedViews(storage)).toEqual([
      { name: 'failed', view: { ...DEFAULT_VIEW, expression: 'status == failed' } },
      { name: 'folds', view: { ...view, band: 'std' } },
    ]);
    expect(withSavedView(views, '   ', view)).toEqual(views);
  });

  it('skips what does not read as a view, and keeps the newest views only', () => {
    const storage = memory();
    storage.setItem(
      SAVED_VIEWS_KEY,
      JSON.stringify([{ name: 'ok', view }, { name: 'bad', view: { ...view, band: 'wide' } }, 42, { view }]),
    );
    expect(readSavedViews(storage)).toEqual([{ name: 'ok', view }]);
    storage.setItem(SAVED_VIEWS_KEY, '{not json');
    expect(readSavedViews(storage)).toEqual([]);
    let views = withSavedView([], 'v0', view);
    for (let i = 1; i <= MAX_SAVED_VIEWS + 5; i++) views = withSavedView(views, `v${i}`, view);
    expect(views).toHaveLength(MAX_SAVED_VIEWS);
    expect(views[0]?.name).toBe('v6');
  });
});
