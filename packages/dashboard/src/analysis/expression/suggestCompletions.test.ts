import { describe, expect, it } from 'vitest';
import { KeyIndex } from './keyIndex';
import type { KeyRef } from './keyIndex';
import { suggestCompletions } from './suggestCompletions';

const index = new KeyIndex({
  sweptPaths: ['data_loaders.config.batch_size', 'optimizer.config.params.lr', 'optimizer.config.optimizer_key'],
  otherPaths: ['model.config.seed'],
  scores: [
    { key: 'val_F1_SCORE_macro', split: 'val', tag: 'F1_SCORE_macro', kind: 'metric' },
    { key: 'val_cross_entropy_loss', split: 'val', tag: 'cross_entropy_loss', kind: 'loss' },
  ],
  tags: ['best', 'needs review'],
});

const valuesOf = (ref: KeyRef) =>
  ref.kind === 'config' && ref.path === 'optimizer.config.optimizer_key'
    ? ['ADAM', 'SGD']
    : ref.kind === 'config' && ref.path === 'optimizer.config.params.lr'
      ? [0.01, 0.001]
      : [];

/** Completions at the end of `text` (or at `|`). */
function at(text: string) {
  const cursor = text.includes('|') ? text.indexOf('|') : text.length;
  const c = suggestCompletions(text.replace('|', ''), cursor, index, valuesOf);
  return { from: c.from, labels: c.items.map((i) => i.label), inserts: c.items.map((i) => i.insert) };
}

describe('suggestCompletions', () => {
  it('offers names at the start of a condition: swept keys by their headers first, then scores and fields', () => {
    const { labels } = at('');
    expect(labels.slice(0, 5)).toEqual([
      'batch_size',
      'lr',
      'optimizer_key',
      'val/F1_SCORE_macro',
      'val/cross_entropy_loss',
    ]);
    expect(labels).toContain('status');
    expect(labels).toContain('tag:');
    expect(labels).toContain('best(…)');
    // a key that is the same everywhere comes last, by its path
    expect(labels.at(-1)).toBe('model.config.seed');
  });

  it('narrows names by what is typed, words that start with it first; the completion replaces the word', () => {
    expect(at('lr < 0.01 and val/').labels).toEqual(['val/F1_SCORE_macro', 'val/cross_entropy_loss']);
    expect(at('lr < 0.01 and val/').from).toBe(14);
    expect(at('opt').labels).toEqual(['optimizer_key']);
    // "size" is inside batch_size
    expect(at('size').labels).toEqual(['batch_size']);
    // words starting with what is typed come before words containing it
    expect(at('(lr < 1 or not st').labels).toEqual(['status', 'best(…)']);
  });

  it('offers operators after a name, values after an operator, and/or after a condition', () => {
    expect(at('lr ').labels).toEqual([
      '==',
      '!=',
      '<',
      '<=',
      '>',
      '>=',
      '~',
      'in (…)',
      'not in (…)',
      'is null',
      'is not null',
    ]);
    expect(at('lr i').labels).toEqual(['in (…)', 'is null', 'is not null', 'not in (…)']);
    expect(at('optimizer_key == ').inserts).toEqual(["'ADAM'", "'SGD'"]);
    expect(at("optimizer_key == 'A").inserts).toEqual(["'ADAM'"]);
    expect(at("optimizer_key == 'A").from).toBe(17);
    expect(at('lr in (0.01, ').inserts).toEqual(['0.01', '0.001']);
    expect(at('status != ').labels).toContain('failed');
    expect(at('status != ru').labels).toEqual(['running', 'interrupted']);
    expect(at('lr < 0.01 ').labels).toEqual(['and', 'or']);
    expect(at('(lr < 0.01 ').labels).toEqual(['and', 'or', ')']);
    expect(at('lr < 0.01 a').labels).toEqual(['and']);
    expect(at('best(val/F1_SCORE_macro) ').labels[0]).toBe('==');
  });

  it('offers tags after tag: (quoting names with spaces) and after tag ==', () => {
    expect(at('tag:').inserts).toEqual(['best', '`needs review`']);
    expect(at('tag == ').labels).toEqual(['best', 'needs review']);
  });

  it('completes in the middle of the text, from what precedes the cursor', () => {
    expect(at('ba| < 0.01').labels).toEqual(['batch_size']);
  });

  it('offers nothing it cannot read (an unknown character before the cursor)', () => {
    expect(at('lr # ').labels).toEqual([]);
  });
});
