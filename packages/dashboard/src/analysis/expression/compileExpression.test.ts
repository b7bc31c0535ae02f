import { describe, expect, it } from 'vitest';
import { compileExpression } from './compileExpression';
import type { ExperimentFacts, ScoreAggregate } from './compileExpression';
import { KeyIndex } from './keyIndex';
import type { ExpressionSchema } from './keyIndex';

interface Exp {
  id: number;
  config: Record<string, unknown>;
  /** Per series key, the values per epoch (null: not a number). */
  scores: Record<string, Array<number | null>>;
  status: string;
  epoch?: number | null;
  gs?: string;
  tags?: string[];
}

const losses = new Set(['val_cross_entropy_loss']);

function facts(exps: Exp[]): ExperimentFacts {
  const byId = new Map(exps.map((e) => [e.id, e]));
  const get = (id: number) => byId.get(id) as Exp;
  return {
    config: (id, path) => get(id).config[path],
    score(id, key, aggregate: ScoreAggregate) {
      const values = (get(id).scores[key] ?? []).filter((v): v is number => v !== null);
      if (!values.length) return null;
      switch (aggregate) {
        case 'final':
          return values[values.length - 1] as number;
        case 'min':
          return Math.min(...values);
        case 'max':
          return Math.max(...values);
        case 'best':
          return losses.has(key) ? Math.min(...values) : Math.max(...values);
      }
    },
    status: (id) => get(id).status,
    epoch: (id) => get(id).epoch ?? null,
    gridSearch: (id) => get(id).gs ?? null,
    tags: (id) => get(id).tags,
  };
}

const LR = 'optimizer.config.params.lr';
const BS = 'data_loaders.config.batch_size';
const OPT = 'optimizer.config.optimizer_key';

const EXPERIMENTS: Exp[] = [
  {
    id: 0,
    config: { [LR]: 0.001, [BS]: 16, [OPT]: 'ADAM', 'model.config.seed': 9 },
    scores: { val_F1_SCORE_macro: [0.5, 0.95], val_cross_entropy_loss: [0.9, 0.3] },
    status: 'COMPLETED',
    tags: ['best', 'baseline'],
  },
  {
    id: 1,
    config: { [LR]: 0.01, [BS]: 16, [OPT]: 'SGD', 'model.config.seed': 9 },
    scores: { val_F1_SCORE_macro: [0.6, 0.92], val_cross_entropy_loss: [0.8, 0.4] },
    status: 'FAILED',
  },
  {
    id: 2,
    config: { [LR]: 0.001, [BS]: 64, [OPT]: 'ADAM', 'model.config.seed': 9 },
    scores: { val_F1_SCORE_macro: [0.97, null], val_cross_entropy_loss: [0.2, 0.25] },
    status: 'RUNNING',
    epoch: 1,
  },
  {
    id: 3,
    config: { [LR]: 0.0001, [OPT]: 'ADAM', 'model.config.seed': 9 },
    scores: {},
    status: 'stopped at epoch 3 (rung 1: 0.8100 < cut-off 0.8600)',
    tags: ['needs review'],
  },
];

const SCHEMA: ExpressionSchema = {
  sweptPaths: [BS, LR, OPT],
  otherPaths: ['model.config.seed', 'data_loaders.config.sampling_strategies.train.seed'],
  scores: [
    { key: 'val_F1_SCORE_macro', split: 'val', tag: 'F1_SCORE_macro', kind: 'metric' },
    { key: 'val_cross_entropy_loss', split: 'val', tag: 'cross_entropy_loss', kind: 'loss' },
  ],
};
const index = new KeyIndex(SCHEMA);

/** The experiments an expression lets through. */
function matches(text: string, exps = EXPERIMENTS): number[] {
  const c = compileExpression(text, index);
  if (!c.ok) throw new Error(c.message);
  const f = facts(exps);
  return exps.filter((e) => c.test?.(f, e.id) ?? true).map((e) => e.id);
}

function error(text: string): string {
  const c = compileExpression(text, index);
  if (c.ok) throw new Error(`"${text}" compiled`);
  return c.message;
}

describe('compileExpression', () => {
  it("filters by the issue's example: config key by its readable path, a score as split/metric, status by word", () => {
    // experiment 2's F1 at its last epoch is not a number: its final F1 is the last value there is (0.97)
    expect(matches('optimizer.lr < 0.01 and val/F1_SCORE_macro > 0.9 and status != failed')).toEqual([0, 2]);
  });

  it('reads config keys by their full path, their end (the headers) or segments in order', () => {
    for (const name of [LR, 'lr', 'params.lr', 'optimizer.lr', 'optimizer.params.lr', 'config.params.lr'])
      expect(matches(`${name} == 0.001`), name).toEqual([0, 2]);
    expect(matches('batch_size = 16')).toEqual([0, 1]);
    // `seed` names two keys that are not swept, one of them under data_loaders
    expect(matches('model.seed == 9')).toEqual([0, 1, 2, 3]);
  });

  it('gives and precedence over or; not, parentheses, keywords in any case, && || !', () => {
    expect(matches('status == failed or lr == 0.001 and batch_size == 64')).toEqual([1, 2]);
    expect(matches('(status == failed or lr == 0.001) and batch_size == 64')).toEqual([2]);
    expect(matches('NOT (status == failed OR lr == 0.001)')).toEqual([3]);
    expect(matches('!(status == failed || lr == 0.001) && id >= 0')).toEqual([3]);
  });

  it('compares status by its first word, case-insensitively, and with ~ over its whole text', () => {
    expect(matches('status == STOPPED')).toEqual([3]);
    expect(matches("status == 'running'")).toEqual([2]);
    expect(matches('status in (completed, running)')).toEqual([0, 2]);
    expect(matches("status ~ 'rung 1'")).toEqual([3]);
  });

  it('a missing value fails every comparison but != and not in; is null and == null find it', () => {
    expect(matches('batch_size < 100')).toEqual([0, 1, 2]);
    expect(matches('batch_size != 16')).toEqual([2, 3]);
    expect(matches('batch_size not in (16)')).toEqual([2, 3]);
    expect(matches('batch_size is null')).toEqual([3]);
    expect(matches('batch_size == null')).toEqual([3]);
    expect(matches('batch_size is not null')).toEqual([0, 1, 2]);
    expect(matches('val/F1_SCORE_macro > 0')).toEqual([0, 1, 2]);
  });

  it('reads text values in quotes, lists, regular expressions, and numbers against their text', () => {
    expect(matches("optimizer_key == 'ADAM'")).toEqual([0, 2, 3]);
    expect(matches("optimizer_key in ['SGD', 'RMSPROP']")).toEqual([1]);
    expect(matches("optimizer_key ~ '^s'")).toEqual([1]);
    expect(matches("optimizer_key !~ 'adam'")).toEqual([1]);
    expect(matches("batch_size == '64'")).toEqual([2]);
    expect(matches('lr in (0.001, 1e-4,)')).toEqual([0, 2, 3]);
  });

  it('reads scores by series key or split/metric in any case, and their best, min, max or final value', () => {
    expect(matches('val_F1_SCORE_macro >= 0.95')).toEqual([0, 2]);
    expect(matches('VAL/f1_score_MACRO >= 0.95')).toEqual([0, 2]);
    // the loss's best is its lowest value
    expect(matches('best(val/cross_entropy_loss) < 0.25')).toEqual([2]);
    expect(matches('min(val/F1_SCORE_macro) < 0.55')).toEqual([0]);
    expect(matches('max(val/F1_SCORE_macro) > 0.96')).toEqual([2]);
    expect(matches('final(val/cross_entropy_loss) <= 0.3')).toEqual([0, 2]);
    // a value on the left reads the other way round
    expect(matches('0.95 <= val/F1_SCORE_macro')).toEqual([0, 2]);
    // two names
    expect(matches('val/F1_SCORE_macro > val/cross_entropy_loss')).toEqual([0, 1, 2]);
  });

  it('filters by tags (taken from the experiments when there are any): tag:name, tag ==, in, ~, is null', () => {
    expect(matches('tag:best')).toEqual([0]);
    expect(matches('not tag:best and status != failed')).toEqual([2, 3]);
    expect(matches("tag:'needs review'")).toEqual([3]);
    expect(matches('tag == baseline')).toEqual([0]);
    expect(matches('tag != best')).toEqual([1, 2, 3]);
    expect(matches("tags in (best, 'needs review')")).toEqual([0, 3]);
    expect(matches("tag ~ '^need'")).toEqual([3]);
    expect(matches('tag is null')).toEqual([1, 2]);
    // a page without tags: nobody has any
    const f = facts(EXPERIMENTS);
    const c = compileExpression('tag:best', index);
    if (!c.ok || !c.test) throw new Error('compiled');
    expect(EXPERIMENTS.filter((e) => c.test?.({ ...f, tags: undefined }, e.id))).toEqual([]);
  });

  it('reads id, epoch and grid_search', () => {
    const exps = EXPERIMENTS.map((e) => ({ ...e, gs: e.id < 2 ? 'gs-a' : 'gs-b' }));
    expect(matches('id > 1', exps)).toEqual([2, 3]);
    expect(matches('experiment_id in (0, 3)', exps)).toEqual([0, 3]);
    expect(matches('epoch == 1', exps)).toEqual([2]);
    expect(matches("grid_search == 'gs-b'", exps)).toEqual([2, 3]);
  });

  it('an empty expression filters nothing', () => {
    const c = compileExpression('   ', index);
    expect(c).toEqual({ ok: true, test: null, readsScores: false });
  });

  it('says where an unknown key is and what it might have meant', () => {
    expect(error('optimizer.lrr < 0.01')).toBe(
      'column 1: unknown key "optimizer.lrr" (expected a config key, a score (split/metric), status, id, epoch, grid_search or tag). Did you mean "optimizer.lr"?',
    );
    expect(error('lr < 0.01 and val/F1_SCORE_macor > 0.9')).toMatch(
      /^column 15: unknown key "val\/F1_SCORE_macor" .*Did you mean "val\/F1_SCORE_macro"\?$/,
    );
    expect(error('lr < 0.01 and batchsize == 16')).toMatch(/^column 15: .*Did you mean "batch_size"\?$/);
    // a bare word that is no key: quote text values
    expect(error('optimizer_key == adam')).toMatch(
      /^column 18: unknown key "adam" .*Quote text values, e\.g\. 'adam'$/,
    );
  });

  it('refuses a name that fits several keys, listing them', () => {
    expect(error('seed == 9')).toBe(
      'column 1: "seed" could be any of 2 config keys (found "model.config.seed", "data_loaders.config.sampling_strategies.train.seed"). Write more of the path (or all of it) to name one',
    );
  });

  it('locates syntax errors', () => {
    expect(error('lr < ')).toBe('column 6: the expression ends too early (expected a value to compare with after "<")');
    expect(error("lr < 0.01 and optimizer_key == 'adam")).toBe("column 32: unterminated text. Close it with '");
    expect(error('lr < 0.01 batch_size == 16')).toBe(
      'column 11: unexpected "batch_size" (expected and, or, or the end). Join conditions with "and" or "or"',
    );
    expect(error('(lr < 0.01')).toBe(
      'column 11: the expression ends too early (expected ")" to close the "(" at column 1)',
    );
    expect(error('lr < 0.01)')).toMatch(
      /^column 10: unexpected "\)" \(expected and, or, or the end \(this "\)" closes nothing\)\)$/,
    );
    expect(error('lr 0.01')).toMatch(/^column 4: unexpected 0\.01 \(expected a comparison after "lr"/);
    expect(error('lr # 2')).toMatch(/^column 4: unexpected character "#"/);
    expect(error('lr in 0.1')).toMatch(/^column 7: unexpected 0\.1 \(expected a list of values after "in"/);
    expect(error('lr < 2x')).toMatch(/^column 6: "2x" is neither a number nor a name/);
    expect(error('1 < 2')).toMatch(/^column 1: a comparison of two values/);
  });

  it('checks what can never hold: a score against text, an unknown status, an order on status, a bad pattern', () => {
    expect(error("val/F1_SCORE_macro > 'high'")).toBe("column 22: a score is a number (found 'high')");
    expect(error('status == done')).toBe(
      'column 11: unknown status "done" (expected one of completed, running, failed, initializing, interrupted, stopped, promoted, unknown)',
    );
    expect(error('status == faild')).toMatch(/Did you mean "failed"\?$/);
    expect(error('status < running')).toMatch(/^column 8: status is compared with == != ~ or in/);
    expect(error("optimizer_key ~ '(adam'")).toMatch(/^column 17: invalid regular expression \(found '\(adam'\)\. /);
    expect(error('lr ~ adam')).toMatch(/^column 6: ~ matches a pattern/);
    expect(error('worst(val/F1_SCORE_macro) > 1')).toMatch(/^column 1: unknown function "worst"/);
    expect(error('best(lr) > 1')).toMatch(/^column 6: best\(…\) takes a score, not "lr"/);
    expect(error('lr < true')).toMatch(/^column 6: "<" needs a number or a text/);
  });

  it('refuses what a hostile link could carry: deep nesting, very long text', () => {
    expect(error(`${'('.repeat(100)}lr < 1${')'.repeat(100)}`)).toMatch(/^column 65: nested more than 64 levels deep/);
    expect(error(`${'not '.repeat(100)}lr < 1`)).toMatch(/nested more than 64 levels deep/);
    expect(error(`lr < 1 ${'and lr < 1 '.repeat(400)}`)).toMatch(/^column 4001: the expression is longer than 4,000/);
  });

  it('names an unknown grid search when the page knows which it shows', () => {
    const withGs = new KeyIndex({ ...SCHEMA, gridSearches: ['2026-12-02--04-11-28', 'gs-b'] });
    const c = compileExpression("grid_search == '2026-12-02--04-11-29'", withGs);
    expect(c.ok ? '' : c.message).toBe(
      'column 16: no grid search "2026-12-02--04-11-29" on this page (expected one of 2026-12-02--04-11-28, gs-b). Did you mean "2026-12-02--04-11-28"?',
    );
  });

  it('says whether it reads scores', () => {
    const a = compileExpression('lr < 1', index);
    const b = compileExpression('lr < 1 or best(val/F1_SCORE_macro) > 0', index);
    expect(a.ok && a.readsScores).toBe(false);
    expect(b.ok && b.readsScores).toBe(true);
  });
});
