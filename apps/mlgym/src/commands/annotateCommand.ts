import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { readAnnotations, writeAnnotation } from '@mlgym/event-store';
import type { GridSearchSource } from '@mlgym/event-store';
import { MAX_NOTE_CHARS, MlgymError, TagSchema } from '@mlgym/protocol';
import type { AnnotationTarget } from '@mlgym/protocol';
import type { Output } from './runCommand.js';

export interface AnnotateOptions {
  wsEndpoint?: string | undefined;
  eventStoragePath?: string | undefined;
  file?: string | undefined;
}

const badArgument = (problem: string, expected?: string) =>
  MlgymError.fromIssue({ code: 'BAD_REQUEST', problem, expected });

function sourceOf(options: AnnotateOptions): GridSearchSource {
  if (options.wsEndpoint) {
    if (!/^https?:\/\/[^\s/]+(\/.*)?$/.test(options.wsEndpoint)) {
      throw badArgument(`--ws_endpoint ${options.wsEndpoint} is not an http(s) URL`, 'e.g. http://127.0.0.1:5002');
    }
    return { kind: 'endpoint', url: options.wsEndpoint, token: process.env['ML_BOARD_AUTH_TOKEN'] || undefined };
  }
  return { kind: 'local', root: options.eventStoragePath ?? 'event_storage' };
}

/** `3`, `0,3,5`, `2-4` (and mixes) → experiment ids; `gs` → the grid search itself (null). */
export function parseTargets(spec: string): Array<number | null> {
  if (spec === 'gs') return [null];
  const ids = new Set<number>();
  for (const part of spec.split(',')) {
    const range = /^(\d{1,9})(?:-(\d{1,9}))?$/.exec(part.trim());
    if (!range) throw badArgument(`"${spec}" names no experiment`, 'an id (3), a list (0,3,5), a range (2-4) or gs');
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from || to - from > 10_000) throw badArgument(`"${part}" is not a range of at most 10,000 ids`);
    for (let id = from; id <= to; id++) ids.add(id);
  }
  return [...ids];
}

/** `+best -baseline` → tags to add and to remove. */
export function parseTagChanges(changes: readonly string[]): { add: string[]; remove: string[] } {
  const add: string[] = [];
  const remove: string[] = [];
  for (const change of changes) {
    const sign = change[0];
    const tag = change.slice(1);
    if ((sign !== '+' && sign !== '-') || !TagSchema.safeParse(tag).success) {
      throw badArgument(
        `"${change}" is not a tag change`,
        '+tag to add or -tag to remove, a tag being up to 40 letters, digits, "_", ".", ":", "/", "-"',
      );
    }
    (sign === '+' ? add : remove).push(tag);
  }
  return { add, remove };
}

const label = (target: number | null) => (target === null ? 'grid search' : `experiment ${target}`);
const tagsOf = (t: AnnotationTarget) => (t.tags.length ? t.tags.join(', ') : '(no tags)');

function author(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

/** `mlgym tag <gs> <experiments> [+tag|-tag …]`: changes the tags, or prints them. */
export async function tagCommand(
  [gridSearchId, experiments, changes]: [string, string, readonly string[]],
  options: AnnotateOptions,
  io: Output,
): Promise<number> {
  const targets = parseTargets(experiments);
  const { add, remove } = parseTagChanges(changes);
  const source = sourceOf(options);
  if (add.length === 0 && remove.length === 0) {
    const view = await readAnnotations(source, gridSearchId);
    for (const target of targets) io.out(`${label(target)}: ${tagsOf(view.fold.target(target))}`);
    return 0;
  }
  for (const target of targets) {
    const answer = await writeAnnotation(
      source,
      gridSearchId,
      { experiment_id: target, add_tags: add, remove_tags: remove, source: 'cli' },
      { author: author() },
    );
    io.out(`${label(target)}: ${tagsOf(answer.target)}`);
  }
  return 0;
}

function readText(text: string | undefined, options: AnnotateOptions): string | undefined {
  if (options.file) return readFileSync(options.file, 'utf8');
  if (text === '-') return readFileSync(0, 'utf8');
  return text;
}

/**
 * `mlgym note <gs> [<experiment>] [text]`: sets the note (Markdown; `-` reads stdin, `--file` a file, '' clears it),
 * or prints it. The edit names the note it replaces, so one changed meanwhile (on a board) is not overwritten: the
 * command says so, shows the other text, and stores nothing.
 */
export async function noteCommand(args: readonly string[], options: AnnotateOptions, io: Output): Promise<number> {
  const [gridSearchId, first, second] = args;
  if (gridSearchId === undefined) throw badArgument('mlgym note needs a grid search id');
  if (args.length > 3) throw badArgument('too many arguments', 'mlgym note <gs> [<experiment>] ["text"]');
  // one argument after the grid search: an experiment to print, or the grid search's new note
  const firstIsTarget = first !== undefined && (second !== undefined || /^(\d+|gs)$/.test(first));
  const target = firstIsTarget ? parseTargets(first) : [null];
  if (target.length !== 1) throw badArgument('a note belongs to one experiment (or the grid search: gs)');
  const experiment = target[0] as number | null;
  const text = readText(firstIsTarget ? second : first, options);
  const source = sourceOf(options);
  const view = await readAnnotations(source, gridSearchId);
  const current = view.fold.target(experiment);
  if (text === undefined) {
    io.out(current.note?.text ? current.note.text : `(${label(experiment)} has no note)`);
    if (current.replaced)
      io.err(
        `mlgym: this note replaced one by ${current.replaced.author ?? 'someone'} it had not seen:\n${current.replaced.text}`,
      );
    return 0;
  }
  if (text.length > MAX_NOTE_CHARS)
    throw badArgument(`the note has ${text.length} characters`, `at most ${MAX_NOTE_CHARS}`);
  try {
    await writeAnnotation(
      source,
      gridSearchId,
      { experiment_id: experiment, note: text, note_base: current.note?.event_id ?? null, source: 'cli' },
      { author: author() },
    );
  } catch (error) {
    if (error instanceof MlgymError && error.code === 'CONFLICT') {
      const theirs = error.cause as { text?: string } | null;
      io.err(`mlgym: ${error.message}\n--- the current note ---\n${theirs?.text ?? ''}`);
      return 1;
    }
    throw error;
  }
  io.out(
    text === '' ? `${label(experiment)}: note cleared` : `${label(experiment)}: note saved (${text.length} characters)`,
  );
  return 0;
}
