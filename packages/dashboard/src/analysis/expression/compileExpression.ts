import { ExpressionError, formatProblem } from './expressionError';
import type { ExpressionProblem } from './expressionError';
import { STATUS_WORDS } from './keyIndex';
import type { KeyIndex, KeyRef } from './keyIndex';
import { didYouMean } from './nearestName';
import { parseExpression } from './parseExpression';
import type { CompareOp, ExpressionNode, Operand, Span } from './parseExpression';

/** Which value of a score series a name reads: its last epoch's (what the table shows), or over all epochs. */
export type ScoreAggregate = 'final' | 'best' | 'min' | 'max';

export const SCORE_FUNCTIONS: Record<string, ScoreAggregate> = {
  final: 'final',
  last: 'final',
  best: 'best',
  min: 'min',
  max: 'max',
};

/**
 * What an expression reads about one experiment (by the board's experiment key). Taken from the store
 * by the caller; tags are optional until annotations exist (issue 30): without them every experiment
 * has none.
 */
export interface ExperimentFacts {
  /** The value at a full config path; undefined when the experiment's config lacks it. */
  config(id: number, path: string): unknown;
  /** A score's value (null when the series has no value for the experiment). */
  score(id: number, key: string, aggregate: ScoreAggregate): number | null;
  /** The status as the table shows it, e.g. `COMPLETED`, `INTERRUPTED after 3 epochs`. */
  status(id: number): string;
  /** The epoch the experiment is at (null before its first). */
  epoch(id: number): number | null;
  gridSearch(id: number): string | null;
  tags?(id: number): readonly string[] | undefined;
}

export type Predicate = (facts: ExperimentFacts, id: number) => boolean;

export type CompiledExpression =
  | {
      ok: true;
      /** null for an empty expression (nothing filtered). */
      test: Predicate | null;
      /** Whether it reads scores (then new points can change what passes). */
      readsScores: boolean;
    }
  | { ok: false; error: ExpressionProblem; message: string };

type Value = number | string | boolean | null | undefined;
type Getter = (facts: ExperimentFacts, id: number) => Value;

interface Bound {
  get: Getter;
  ref: KeyRef | null;
  /** A literal's value (for checks and constant lists). */
  literal?: Value;
  text?: boolean;
  span: Span;
}

const ORDERING = new Set<CompareOp>(['<', '<=', '>', '>=']);
const FLIP: Record<CompareOp, CompareOp> = {
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
  '==': '==',
  '!=': '!=',
  '~': '~',
  '!~': '!~',
};

const statusWord = (status: string) => (status.split(' ')[0] ?? '').toLowerCase();

const describe = (v: Value) => (typeof v === 'string' ? `'${v}'` : String(v));

/** Compares two present values; a number and a text compare by the number's text (`batch_size == '32'`). */
function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'string') return String(a) === b;
  if (typeof a === 'string' && typeof b === 'number') return a === String(b);
  return false;
}

function ordered(op: CompareOp, a: Value, b: Value): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    switch (op) {
      case '<':
        return a < b;
      case '<=':
        return a <= b;
      case '>':
        return a > b;
      default:
        return a >= b;
    }
  }
  if (typeof a === 'string' && typeof b === 'string') {
    const c = a < b ? -1 : a > b ? 1 : 0;
    return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
  }
  return false;
}

const textOf = (v: Value) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

class Binder {
  readsScores = false;
  constructor(private readonly index: KeyIndex) {}

  private fail(span: Span, problem: Omit<ExpressionProblem, 'start' | 'end'>): never {
    throw new ExpressionError({ start: span.start, end: span.end, ...problem });
  }

  private nameProblem(o: Operand & { kind: 'name' }): never {
    const r = this.index.resolve(o.text, o.quoted);
    if (!r.ok && r.ambiguous) {
      const listed = r.ambiguous.slice(0, 4).map((p) => `"${p}"`);
      this.fail(o, {
        problem: `"${o.text}" could be any of ${r.ambiguous.length} config keys`,
        found: `${listed.join(', ')}${r.ambiguous.length > 4 ? ', …' : ''}`,
        hint: 'Write more of the path (or all of it) to name one',
      });
    }
    this.fail(o, {
      problem: `unknown key "${o.text}"`,
      expected: 'a config key, a score (split/metric), status, id, epoch, grid_search or tag',
      hint:
        (r.ok ? undefined : r.suggestion && `Did you mean "${r.suggestion}"?`) ??
        (/^[\p{L}_]/u.test(o.text) ? `Quote text values, e.g. '${o.text}'` : undefined),
    });
  }

  /** A name or call as a value getter. */
  operand(o: Operand): Bound {
    if (o.kind === 'literal') {
      const v = o.value;
      return { get: () => v, ref: null, literal: v, text: o.text, span: o };
    }
    if (o.kind === 'call') {
      const aggregate = SCORE_FUNCTIONS[o.fn.toLowerCase()];
      if (!aggregate)
        this.fail(o.fnSpan, {
          problem: `unknown function "${o.fn}"`,
          expected: 'final, best, min or max of a score',
          hint: didYouMean(o.fn, Object.keys(SCORE_FUNCTIONS)),
        });
      const r = this.index.resolve(o.arg.text, o.arg.quoted);
      if (!r.ok) this.nameProblem(o.arg);
      if (r.ref.kind !== 'score')
        this.fail(o.arg, {
          problem: `${o.fn}(…) takes a score, not "${o.arg.text}"`,
          expected: 'e.g. best(val/accuracy)',
        });
      const key = r.ref.key;
      this.readsScores = true;
      return { get: (f, id) => f.score(id, key, aggregate), ref: r.ref, span: o };
    }
    const r = this.index.resolve(o.text, o.quoted);
    if (!r.ok) this.nameProblem(o);
    const ref = r.ref;
    switch (ref.kind) {
      case 'config': {
        const path = ref.path;
        return { get: (f, id) => f.config(id, path) as Value, ref, span: o };
      }
      case 'score': {
        const key = ref.key;
        this.readsScores = true;
        return { get: (f, id) => f.score(id, key, 'final'), ref, span: o };
      }
      default:
        switch (ref.field) {
          case 'status':
            return { get: (f, id) => statusWord(f.status(id)), ref, span: o };
          case 'id':
            return { get: (_f, id) => id, ref, span: o };
          case 'epoch':
            return { get: (f, id) => f.epoch(id), ref, span: o };
          case 'grid_search':
            return { get: (f, id) => f.gridSearch(id), ref, span: o };
          case 'tag':
            // a tag is compared as a set (see tagTest); this getter is never read
            return { get: () => undefined, ref, span: o };
        }
    }
  }

  /** A value on the right of `status`, `tag` or `grid_search`: a bare word is that word. */
  private word(o: Operand, field: 'status' | 'tag' | 'grid_search'): string {
    if (o.kind === 'call')
      this.fail(o, { problem: `compare ${field} with a word`, expected: `e.g. ${field} == running` });
    const value = o.kind === 'name' ? o.text : o.value;
    if (typeof value !== 'string' && !(field === 'tag' && typeof value === 'number'))
      this.fail(o, { problem: `${field} is a word`, found: describe(value) });
    const word = String(value);
    if (field === 'status' && !(STATUS_WORDS as readonly string[]).includes(word.toLowerCase()))
      this.fail(o, {
        problem: `unknown status "${word}"`,
        expected: `one of ${STATUS_WORDS.join(', ')}`,
        hint: didYouMean(word, STATUS_WORDS),
      });
    const known = this.index.schema.gridSearches;
    if (field === 'grid_search' && known?.length && !known.includes(word))
      this.fail(o, {
        problem: `no grid search "${word}" on this page`,
        expected: `one of ${known.join(', ')}`,
        hint: didYouMean(word, known),
      });
    return field === 'status' ? word.toLowerCase() : word;
  }

  private pattern(o: Operand): RegExp {
    if (o.kind !== 'literal' || typeof o.value !== 'string' || !o.text)
      this.fail(o, { problem: '~ matches a pattern', expected: "a regular expression in quotes, e.g. ~ 'adam|sgd'" });
    try {
      return new RegExp(o.value, 'i');
    } catch (e) {
      return this.fail(o, {
        problem: 'invalid regular expression',
        found: `'${o.value}'`,
        hint: (e as Error).message.replace(/^Invalid regular expression: /, ''),
      });
    }
  }

  private fieldOf(b: Bound): 'status' | 'tag' | 'grid_search' | null {
    if (b.ref?.kind !== 'field') return null;
    const f = b.ref.field;
    return f === 'status' || f === 'tag' || f === 'grid_search' ? f : null;
  }

  /** Checks that a comparison can hold for some experiment (a score is a number, `<` needs an order). */
  private checkTypes(op: CompareOp, key: Bound, value: Bound): void {
    const v = value.literal;
    if (value.ref || op === '~' || op === '!~') return;
    const numeric =
      key.ref?.kind === 'score' || (key.ref?.kind === 'field' && (key.ref.field === 'id' || key.ref.field === 'epoch'));
    if (numeric && v !== null && typeof v !== 'number')
      this.fail(value.span, {
        problem: `${key.ref?.kind === 'score' ? 'a score' : (key.ref as { field: string }).field} is a number`,
        found: describe(v),
      });
    if (ORDERING.has(op) && (v === null || typeof v === 'boolean'))
      this.fail(value.span, { problem: `"${op}" needs a number or a text`, found: describe(v) });
  }

  private tagTest(op: CompareOp, value: Operand): (tags: readonly string[]) => boolean {
    if (op === '~' || op === '!~') {
      const re = this.pattern(value);
      const not = op === '!~';
      return (tags) => tags.some((t) => re.test(t)) !== not;
    }
    if (op !== '==' && op !== '!=')
      this.fail(value, { problem: `tags are compared with == != ~ or in`, found: `"${op}"` });
    const word = this.word(value, 'tag');
    const not = op === '!=';
    return (tags) => tags.includes(word) !== not;
  }

  node(n: ExpressionNode): Predicate {
    switch (n.kind) {
      case 'and': {
        const a = this.node(n.left);
        const b = this.node(n.right);
        return (f, id) => a(f, id) && b(f, id);
      }
      case 'or': {
        const a = this.node(n.left);
        const b = this.node(n.right);
        return (f, id) => a(f, id) || b(f, id);
      }
      case 'not': {
        const a = this.node(n.operand);
        return (f, id) => !a(f, id);
      }
      case 'tag': {
        const name = n.name;
        return (f, id) => f.tags?.(id)?.includes(name) ?? false;
      }
      case 'isNull': {
        const b = this.operand(n.operand);
        const negated = n.negated;
        if (this.fieldOf(b) === 'tag') return (f, id) => ((f.tags?.(id)?.length ?? 0) === 0) !== negated;
        return (f, id) => {
          const v = b.get(f, id);
          return (v === null || v === undefined) !== negated;
        };
      }
      case 'in': {
        const b = this.operand(n.operand);
        const field = this.fieldOf(b);
        const negated = n.negated;
        if (b.ref === null)
          this.fail(n.operand, { problem: 'the left of "in" is a name', expected: 'e.g. lr in (0.1, 0.01)' });
        if (field === 'tag') {
          const words = new Set(n.values.map((v) => this.word(v, 'tag')));
          return (f, id) => (f.tags?.(id) ?? []).some((t) => words.has(t)) !== negated;
        }
        const values = n.values.map((v): Value => {
          if (field) return this.word(v, field);
          if (v.kind !== 'literal')
            this.fail(v, { problem: 'a list holds values', expected: "numbers or quoted text, e.g. ('adam', 'sgd')" });
          this.checkTypes('==', b, this.operand(v));
          return v.value;
        });
        return (f, id) => {
          const v = b.get(f, id);
          if (v === null || v === undefined) return negated;
          return values.some((w) => equal(v, w)) !== negated;
        };
      }
      case 'compare':
        return this.compare(n);
    }
  }

  private compare(n: ExpressionNode & { kind: 'compare' }): Predicate {
    let left = this.operand(n.left);
    let op = n.op;
    let rightOperand = n.right;
    if (left.ref === null) {
      // `0.9 < val/accuracy` reads as `val/accuracy > 0.9`
      if (n.right.kind === 'literal')
        this.fail(n, { problem: 'a comparison of two values', expected: 'a name on one side, e.g. lr < 0.01' });
      if (op === '~' || op === '!~')
        this.fail(n.left, { problem: 'the pattern goes on the right of ~', expected: "e.g. optimizer ~ 'adam'" });
      rightOperand = n.left;
      left = this.operand(n.right);
      op = FLIP[op];
    }
    const field = this.fieldOf(left);
    if (field === 'tag') {
      const test = this.tagTest(op, rightOperand);
      return (f, id) => test(f.tags?.(id) ?? []);
    }
    if (op === '~' || op === '!~') {
      const re = this.pattern(rightOperand);
      const not = op === '!~';
      const get = field === 'status' ? (f: ExperimentFacts, id: number) => f.status(id) : left.get;
      return (f, id) => {
        const v = get(f, id);
        if (v === null || v === undefined) return not;
        return re.test(textOf(v)) !== not;
      };
    }
    let right: Bound;
    if (field && (rightOperand.kind === 'name' || (rightOperand.kind === 'literal' && rightOperand.text))) {
      if (ORDERING.has(op))
        this.fail(n.opSpan, { problem: `${field} is compared with == != ~ or in`, found: `"${op}"` });
      const word = this.word(rightOperand, field);
      right = { get: () => word, ref: null, literal: word, span: rightOperand };
    } else {
      right = this.operand(rightOperand);
      this.checkTypes(op, left, right);
    }
    const a = left.get;
    const b = right.get;
    const rightIsNull = right.ref === null && right.literal === null;
    switch (op) {
      case '==':
        if (rightIsNull) return (f, id) => a(f, id) === null || a(f, id) === undefined;
        return (f, id) => {
          const x = a(f, id);
          const y = b(f, id);
          return x !== null && x !== undefined && y !== null && y !== undefined && equal(x, y);
        };
      case '!=':
        if (rightIsNull) return (f, id) => a(f, id) !== null && a(f, id) !== undefined;
        // a missing value is not equal to anything (Python's None != 0.9)
        return (f, id) => {
          const x = a(f, id);
          const y = b(f, id);
          return x === null || x === undefined || y === null || y === undefined || !equal(x, y);
        };
      default:
        return (f, id) => ordered(op, a(f, id), b(f, id));
    }
  }
}

/**
 * Compiles a filter expression against the names the page knows. Errors are values, located by
 * column, with "did you mean" against the known names. Semantics: an experiment lacking a value (no
 * such config key, no score yet) fails every comparison but `!=` and `not in`; `== null` and
 * `is null` find those; `~` is a case-insensitive regular expression over the value's text; status
 * compares its first word (`status == failed`), case-insensitive.
 */
export function compileExpression(text: string, index: KeyIndex): CompiledExpression {
  try {
    const tree = parseExpression(text);
    if (!tree) return { ok: true, test: null, readsScores: false };
    const binder = new Binder(index);
    const test = binder.node(tree);
    return { ok: true, test, readsScores: binder.readsScores };
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    return { ok: false, error: e.detail, message: formatProblem(e.detail) };
  }
}
