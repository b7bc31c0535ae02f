import { describe, expect, it } from 'vitest';
import { createAnnotationFold } from './annotationFold.js';
import { AnnotationRequestSchema, TagSchema } from './annotations.js';
import type { AnnotationPayload } from './annotations.js';
import { EVENT_TYPES, MlgymEventSchema, ORIGINAL_EVENT_TYPES } from './events.js';
import { joinEventTypes } from './wsProtocol.js';

const gs = '2026-12-07--10-00-00';
const edit = (p: Partial<AnnotationPayload>): AnnotationPayload => ({
  grid_search_id: gs,
  experiment_id: 3,
  time: 1,
  ...p,
});

describe('annotation events', () => {
  it('are events of their own beside the original four, as are system metrics', () => {
    expect(EVENT_TYPES.slice(0, 4)).toEqual(ORIGINAL_EVENT_TYPES);
    expect(EVENT_TYPES).toContain('annotation');
    expect(EVENT_TYPES).toContain('system_metrics');
    const annotation = { event_type: 'annotation', creation_ts: 1, payload: edit({ add_tags: ['best'] }) };
    expect(MlgymEventSchema.safeParse(annotation).success).toBe(true);
    const gridSearch = { ...annotation, payload: edit({ experiment_id: null, note: '# sweep' }) };
    expect(MlgymEventSchema.safeParse(gridSearch).success).toBe(true);
  });

  it('accept short labels and refuse what the CLI or a filter could misread', () => {
    for (const ok of ['best', 'lr:0.1', 'v2/baseline', 'größe', '_x'])
      expect(TagSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['', '+best', '-old', 'two words', 'a,b', 'x'.repeat(41), '<script>']) {
      expect(TagSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('refuse an edit that changes nothing, and unknown fields', () => {
    expect(AnnotationRequestSchema.safeParse({ experiment_id: 1 }).success).toBe(false);
    expect(AnnotationRequestSchema.safeParse({ experiment_id: 1, add_tags: ['a'], extra: 1 }).success).toBe(false);
    expect(AnnotationRequestSchema.safeParse({ experiment_id: null, note: '' }).success).toBe(true);
  });
});

describe('createAnnotationFold', () => {
  it('merges tag additions and removals in log order, per experiment and for the grid search', () => {
    const fold = createAnnotationFold();
    fold.apply(0, edit({ add_tags: ['baseline', 'mnist'] }));
    fold.apply(1, edit({ add_tags: ['best'], remove_tags: ['baseline'] }));
    fold.apply(2, edit({ experiment_id: null, add_tags: ['sweep'] }));
    expect(fold.target(3).tags).toEqual(['mnist', 'best']);
    expect(fold.target(null).tags).toEqual(['sweep']);
    expect(fold.target(4).tags).toEqual([]);
  });

  it('keeps the last note, and a note replaced by an edit that had not seen it', () => {
    const fold = createAnnotationFold();
    fold.apply(5, edit({ note: 'first', author: 'alice', note_base: null }));
    // bob edited "first": a clean replacement
    fold.apply(6, edit({ note: 'second', author: 'bob', note_base: 5 }));
    expect(fold.target(3).note).toMatchObject({ text: 'second', author: 'bob', event_id: 6 });
    expect(fold.target(3).replaced).toBeNull();
    // carol also edited "first", unaware of bob's: hers wins, bob's is kept as replaced
    fold.apply(7, edit({ note: 'third', author: 'carol', note_base: 5 }));
    expect(fold.target(3).note?.text).toBe('third');
    expect(fold.target(3).replaced).toMatchObject({ text: 'second', author: 'bob', event_id: 6 });
    // an edit that saw carol's note settles it
    fold.apply(8, edit({ note: '', note_base: 7 }));
    expect(fold.target(3)).toMatchObject({ note: { text: '', event_id: 8 }, replaced: null });
  });
});

describe('joinEventTypes', () => {
  it('gives a join in the original shape only the original event types', () => {
    expect(joinEventTypes({})).toBe('original');
    expect(joinEventTypes({ history_format: 'json' })).toBe('original');
    expect(joinEventTypes({ history_format: 'jsonl' })).toBe('all');
    expect(joinEventTypes({ event_types: 'all' })).toBe('all');
  });
});
