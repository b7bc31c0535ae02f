// What the soak asserts about a grid search's stored results, as plain functions over the storage folder.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const numeric = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((e) => /^\d+$/.test(e))
        .map(Number)
        .sort((a, b) => a - b)
    : [];

/** The experiments of a stored grid search, and the checkpointed epochs of one. */
export const experimentsOf = (gsDir: string) => numeric(gsDir);
export const epochsOf = (gsDir: string, experiment: number) => numeric(join(gsDir, String(experiment)));

export interface Digest {
  file: string;
  recorded: string | undefined;
  actual: string;
}

/** Every checkpoint file of a grid search with the sha256 stored beside it (`.<name>.sha256`) and its own. */
export function checkpointDigests(gsDir: string): Digest[] {
  const out: Digest[] = [];
  for (const experiment of experimentsOf(gsDir)) {
    for (const epoch of epochsOf(gsDir, experiment)) {
      const dir = join(gsDir, String(experiment), String(epoch));
      for (const name of readdirSync(dir).filter((n) => !n.startsWith('.'))) {
        const sidecar = join(dir, `.${name}.sha256`);
        out.push({
          file: join(String(experiment), String(epoch), name),
          recorded: existsSync(sidecar) ? readFileSync(sidecar, 'utf8').split(' ')[0] : undefined,
          actual: sha256(join(dir, name)),
        });
      }
    }
  }
  return out;
}

/** sha256 of each file of each experiment's last checkpoint: `{experiment: {"<epoch>/<file>": sha}}`. */
export function finalCheckpoints(gsDir: string): Record<number, Record<string, string>> {
  const out: Record<number, Record<string, string>> = {};
  for (const experiment of experimentsOf(gsDir)) {
    const last = epochsOf(gsDir, experiment).at(-1);
    if (last === undefined) continue;
    const dir = join(gsDir, String(experiment), String(last));
    out[experiment] = Object.fromEntries(
      readdirSync(dir)
        .filter((n) => !n.startsWith('.'))
        .map((n) => [`${last}/${n}`, sha256(join(dir, n))]),
    );
  }
  return out;
}

interface StoredEvent {
  line: number;
  raw: string;
  event_type: string;
  creation_ts: number;
  payload: {
    experiment_id?: number;
    epoch?: number;
    status?: string;
    error?: string | null;
    metric_scores?: unknown;
    loss_scores?: unknown;
  };
}

export function readEvents(gsDir: string): StoredEvent[] {
  return readFileSync(join(gsDir, 'event_storage.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((raw, line) => ({ line, raw, ...(JSON.parse(raw) as Omit<StoredEvent, 'line' | 'raw'>) }));
}

/** Final scores per experiment and epoch: the last stored evaluation_result of each (experiment, epoch). */
export function scoresByEpoch(events: StoredEvent[]): Record<number, Record<number, string>> {
  const out: Record<number, Record<number, string>> = {};
  for (const e of events) {
    if (e.event_type !== 'evaluation_result') continue;
    const { experiment_id: x, epoch, metric_scores, loss_scores } = e.payload;
    (out[x!] ??= {})[epoch!] = JSON.stringify({ metric_scores, loss_scores });
  }
  return out;
}

/**
 * "Every event exactly once and in order per experiment", made precise for runs whose workers and endpoints die:
 *
 * 1. Delivery: no stored line is a copy of another. Every event carries its creation timestamp, so an event the
 *    reporter re-sends after an endpoint died would reappear byte for byte; the endpoint must store it once.
 * 2. Attempts: an experiment's events fall into attempts, each opened by a job_status RUNNING (a first run, a
 *    pool retry after a killed worker, or a warm start). Within an attempt, evaluation_result epochs go up by one
 *    with no gap and no repeat, and creation timestamps never go backwards.
 * 3. Re-sent results are legitimate only at the start of an attempt: a resumed experiment restarts after its last
 *    stored checkpoint, so it may report again the epochs whose results were stored but whose checkpoint was not
 *    (at most those). A repeated (experiment, epoch) must carry the same scores as before (training is exact).
 * 4. Completeness: every experiment has a result for each epoch 0..numEpochs-1 and ends with job_status DONE
 *    without error.
 *
 * Returns the problems found (empty when the log is right).
 */
export function eventLogProblems(events: StoredEvent[], numEpochs: number): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const e of events) {
    const first = seen.get(e.raw);
    if (first !== undefined) problems.push(`line ${e.line} repeats line ${first} (${e.event_type})`);
    else seen.set(e.raw, e.line);
  }
  const byExperiment = new Map<number, StoredEvent[]>();
  for (const e of events) {
    const x = e.payload.experiment_id;
    if (x !== undefined) byExperiment.set(x, [...(byExperiment.get(x) ?? []), e]);
  }
  for (const [x, list] of byExperiment) {
    const results = new Map<number, string>();
    let attempt = 0;
    let expected: number | undefined; // next epoch within the current attempt
    let lastTs = -Infinity;
    let resending = false;
    for (const e of list) {
      if (e.event_type === 'job_status' && e.payload.status === 'RUNNING') {
        attempt += 1;
        expected = undefined;
        lastTs = -Infinity;
        resending = true;
        continue;
      }
      if (e.creation_ts < lastTs) problems.push(`experiment ${x}: line ${e.line} goes back in time`);
      lastTs = e.creation_ts;
      if (e.event_type !== 'evaluation_result') continue;
      const epoch = e.payload.epoch!;
      const scores = JSON.stringify({ m: e.payload.metric_scores, l: e.payload.loss_scores });
      const where = `experiment ${x}, attempt ${attempt}, line ${e.line}`;
      if (expected !== undefined && epoch !== expected)
        problems.push(`${where}: epoch ${epoch} where ${expected} was next`);
      const done = Math.max(-1, ...results.keys());
      if (expected === undefined && epoch > done + 1)
        problems.push(`${where}: resumes at epoch ${epoch} though only 0..${done} were reported`);
      const earlier = results.get(epoch);
      if (earlier !== undefined) {
        if (!resending) problems.push(`${where}: epoch ${epoch} reported twice within one attempt`);
        if (earlier !== scores) problems.push(`${where}: epoch ${epoch} re-sent with different scores`);
      } else resending = false;
      results.set(epoch, scores);
      expected = epoch + 1;
    }
    for (let epoch = 0; epoch < numEpochs; epoch++)
      if (!results.has(epoch)) problems.push(`experiment ${x}: no result for epoch ${epoch}`);
    const status = list.filter((e) => e.event_type === 'job_status').at(-1);
    if (status?.payload.status !== 'DONE' || status.payload.error)
      problems.push(
        `experiment ${x}: ends ${status?.payload.status ?? 'without a status'} ${status?.payload.error ?? ''}`,
      );
  }
  return problems;
}
