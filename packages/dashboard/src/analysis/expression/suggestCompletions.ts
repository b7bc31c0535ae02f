import { STATUS_WORDS } from './keyIndex';
import type { KeyIndex, KeyRef } from './keyIndex';
import { tokenize } from './tokenize';
import type { Token } from './tokenize';

export interface Completion {
  /** What the list shows. */
  label: string;
  /** What replaces the text from `from` to the cursor. */
  insert: string;
  /** A word on what it is: `config key`, `score`, `operator`, `value`… */
  detail: string;
}

export interface Completions {
  /** The start of the word being typed (replaced by a completion's insert). */
  from: number;
  to: number;
  items: Completion[];
}

/** Values a name takes on the page (distinct), for completing what follows `==`. */
export type ValuesOf = (ref: KeyRef) => readonly unknown[];

type State =
  'operand' | 'afterLeft' | 'value' | 'afterTest' | 'listOpen' | 'list' | 'afterListValue' | 'tagName' | 'isNull';

const MAX_ITEMS = 50;

const OPERATORS: Completion[] = [
  { label: '==', insert: '==', detail: 'equals' },
  { label: '!=', insert: '!=', detail: 'differs from' },
  { label: '<', insert: '<', detail: 'less than' },
  { label: '<=', insert: '<=', detail: 'at most' },
  { label: '>', insert: '>', detail: 'more than' },
  { label: '>=', insert: '>=', detail: 'at least' },
  { label: '~', insert: '~', detail: 'matches a regular expression' },
  { label: 'in (…)', insert: 'in (', detail: 'one of' },
  { label: 'not in (…)', insert: 'not in (', detail: 'none of' },
  { label: 'is null', insert: 'is null', detail: 'has no value' },
  { label: 'is not null', insert: 'is not null', detail: 'has a value' },
];

const JOINERS: Completion[] = [
  { label: 'and', insert: 'and', detail: 'both' },
  { label: 'or', insert: 'or', detail: 'either' },
];

/** A name as it must be written: in backticks unless it reads as one word. */
function nameText(name: string): string {
  return /^[\p{L}_$][\p{L}\p{N}_$./-]*$/u.test(name) ? name : `\`${name.replace(/[`\\]/g, '\\$&')}\``;
}

function valueText(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return `'${text.replace(/['\\]/g, '\\$&')}'`;
}

interface Scan {
  state: State;
  /** The name on the left of the comparison being written, if any. */
  left: string | null;
  depth: number;
}

const lower = (t: Token) => (t.kind === 'word' ? t.text.toLowerCase() : '');

/** Where the grammar is after `tokens` (a light reading of parseExpression's grammar that never fails). */
function scan(tokens: readonly Token[]): Scan {
  let state: State = 'operand';
  let left: string | null = null;
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const w = lower(t);
    const punct = t.kind === 'punct' ? t.text : '';
    switch (state) {
      case 'operand':
        if (w === 'not' || (t.kind === 'op' && t.text === '!')) break;
        if (punct === '(') depth++;
        else if (
          w === 'tag' &&
          tokens[i + 1]?.kind === 'punct' &&
          (tokens[i + 1] as Token & { text: string }).text === ':'
        ) {
          i++;
          state = 'tagName';
        } else if (t.kind === 'word' || t.kind === 'quotedName') {
          left = t.text;
          state = 'afterLeft';
          // a function call: `best(val/accuracy)` is the left side
          if (tokens[i + 1]?.kind === 'punct' && (tokens[i + 1] as Token & { text: string }).text === '(') {
            left = tokens[i + 2]?.kind === 'word' ? (tokens[i + 2] as Token & { text: string }).text : null;
            i += 3;
          }
        } else if (t.kind === 'number' || t.kind === 'string') {
          left = null;
          state = 'afterLeft';
        }
        break;
      case 'afterLeft':
        if (t.kind === 'op') state = 'value';
        else if (w === 'in') state = 'listOpen';
        else if (w === 'is') state = 'isNull';
        break;
      case 'listOpen':
        state = punct === '(' || punct === '[' ? 'list' : 'afterTest';
        break;
      case 'list':
        state = 'afterListValue';
        break;
      case 'afterListValue':
        if (punct === ',') state = 'list';
        else if (punct === ')' || punct === ']') state = 'afterTest';
        break;
      case 'value':
      case 'tagName':
        state = 'afterTest';
        break;
      case 'isNull':
        if (w === 'null') state = 'afterTest';
        break;
      case 'afterTest':
        if (w === 'and' || w === 'or' || (t.kind === 'op' && (t.text === '&&' || t.text === '||'))) {
          state = 'operand';
          left = null;
        } else if (punct === ')') depth = Math.max(0, depth - 1);
        break;
    }
  }
  return { state, left, depth };
}

/** Whether `t`, ending at the cursor, may still grow: a word, a number, or text whose quote is not closed. */
function isPartial(text: string, t: Token): boolean {
  if (t.kind === 'word' || t.kind === 'number') return true;
  if (t.kind !== 'string' && t.kind !== 'quotedName') return false;
  const raw = text.slice(t.start, t.end);
  return raw.length === 1 || raw[raw.length - 1] !== raw[0] || raw[raw.length - 2] === '\\';
}

/** Ranks items by the typed prefix: those starting with it first, then those containing it. */
function filtered(items: readonly Completion[], typed: string): Completion[] {
  const t = typed.toLowerCase();
  if (!t) return items.slice(0, MAX_ITEMS);
  const starts: Completion[] = [];
  const contains: Completion[] = [];
  for (const item of items) {
    const l = item.label.toLowerCase();
    if (l === t) continue;
    if (l.startsWith(t)) starts.push(item);
    else if (l.includes(t)) contains.push(item);
  }
  return [...starts, ...contains].slice(0, MAX_ITEMS);
}

function names(index: KeyIndex): Completion[] {
  const out: Completion[] = [];
  const seen = new Set<string>();
  const add = (label: string, detail: string) => {
    if (seen.has(label)) return;
    seen.add(label);
    out.push({ label, insert: nameText(label), detail });
  };
  for (const e of index.configPaths()) if (e.swept) add(index.labelOf(e.path), e.path);
  for (const s of index.schema.scores) add(`${s.split}/${s.tag}`, s.kind === 'loss' ? 'loss' : 'score');
  add('status', 'completed, running, failed…');
  out.push({ label: 'tag:', insert: 'tag:', detail: 'has a tag' });
  add('id', 'experiment id');
  add('epoch', 'current epoch');
  if ((index.schema.gridSearches?.length ?? 0) > 1) add('grid_search', 'grid search');
  for (const fn of ['best', 'min', 'max'])
    out.push({ label: `${fn}(…)`, insert: `${fn}(`, detail: `${fn} of a score` });
  out.push({ label: 'not', insert: 'not', detail: 'negates' });
  for (const e of index.configPaths()) if (!e.swept) add(e.path, 'config key (same in all)');
  return out;
}

function values(index: KeyIndex, left: string | null, valuesOf: ValuesOf | undefined): Completion[] {
  if (left === null) return [];
  const r = index.resolve(left);
  if (!r.ok) return [];
  const { ref } = r;
  if (ref.kind === 'field') {
    if (ref.field === 'status') return STATUS_WORDS.map((w) => ({ label: w, insert: w, detail: 'status' }));
    if (ref.field === 'tag')
      return (index.schema.tags ?? []).map((t) => ({ label: t, insert: nameText(t), detail: 'tag' }));
    if (ref.field === 'grid_search')
      return (index.schema.gridSearches ?? []).map((g) => ({ label: g, insert: valueText(g), detail: 'grid search' }));
  }
  return (valuesOf?.(ref) ?? []).map((v) => ({ label: valueText(v), insert: valueText(v), detail: 'value' }));
}

/**
 * What may come at `cursor` in a half-typed expression: names at the start of a condition, operators
 * after a name, the values a name takes after an operator, `and`/`or` after a condition.
 */
export function suggestCompletions(text: string, cursor: number, index: KeyIndex, valuesOf?: ValuesOf): Completions {
  let tokens: Token[];
  try {
    tokens = tokenize(text.slice(0, cursor), { lenient: true }).filter((t) => t.kind !== 'end');
  } catch {
    return { from: cursor, to: cursor, items: [] };
  }
  // the word, number or unclosed quote that ends at the cursor is being typed: completions replace it
  const last = tokens[tokens.length - 1];
  let from = cursor;
  if (last && last.end === cursor && isPartial(text, last)) {
    from = last.start;
    tokens = tokens.slice(0, -1);
  }
  const typed = text.slice(from, cursor);
  const { state, left, depth } = scan(tokens);
  let items: Completion[];
  switch (state) {
    case 'operand':
      items = names(index);
      break;
    case 'afterLeft':
      items = OPERATORS;
      break;
    case 'value':
    case 'list':
      items = values(index, left, valuesOf);
      break;
    case 'tagName':
      items = (index.schema.tags ?? []).map((t) => ({ label: t, insert: nameText(t), detail: 'tag' }));
      break;
    case 'isNull':
      items = [
        { label: 'null', insert: 'null', detail: 'has no value' },
        { label: 'not null', insert: 'not null', detail: 'has a value' },
      ];
      break;
    case 'afterTest':
      items = depth > 0 ? [...JOINERS, { label: ')', insert: ')', detail: 'closes (' }] : JOINERS;
      break;
    default:
      items = [];
  }
  return { from, to: cursor, items: filtered(items, typed) };
}
