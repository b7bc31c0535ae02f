import type { EventLog } from '@mlgym/event-store';
import { MlgymError } from '@mlgym/protocol';

/** Distinct keys one grid search may have by default: far above any real run, far below what hurts a viewer. */
export const DEFAULT_MAX_KEYS_PER_GRID_SEARCH = 10_000;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Config leaves as MLboard's table makes columns of them: dotted paths of nested objects; arrays are leaves. */
function configLeaves(config: unknown, out: Set<string>): void {
  const stack: Array<[unknown, string]> = [[config, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop() as [unknown, string];
    if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) stack.push([v, path ? `${path}.${k}` : k]);
    } else if (path !== '') out.add(`config\u0000${path}`);
  }
}

/**
 * The keys an event adds to what viewers build: a series per split and metric or loss (a chart each), a column
 * per config leaf, a tag. Events are validated before; anything of another shape adds none.
 */
export function eventKeys(event: unknown, out = new Set<string>()): Set<string> {
  if (!isObject(event) || !isObject(event['payload'])) return out;
  const payload = event['payload'];
  if (event['event_type'] === 'evaluation_result') {
    for (const [field, kind] of [
      ['metric_scores', 'metric'],
      ['loss_scores', 'loss'],
    ] as const) {
      const scores = payload[field];
      if (!Array.isArray(scores)) continue;
      for (const score of scores) {
        if (isObject(score)) out.add(`${kind}\u0000${String(score['split'])}\u0000${String(score[kind])}`);
      }
    }
  } else if (event['event_type'] === 'experiment_config') {
    configLeaves(payload['config'], out);
  } else if (event['event_type'] === 'annotation' && Array.isArray(payload['add_tags'])) {
    // every distinct tag is a filter value and a colour on every viewer
    for (const tag of payload['add_tags']) out.add(`tag\u0000${String(tag)}`);
  }
  return out;
}

/**
 * Bounds the distinct keys (metric and loss series, config columns) of each grid search: one publisher sending
 * 100,000 metric names would make every viewer build 100,000 charts. A batch that would pass the bound is refused
 * whole (with the bound in its message); everything stored before, and every other grid search, is untouched.
 * The keys of a log already stored are counted the first time this server takes events for it.
 */
export class KeyLimit {
  private readonly known = new Map<string, Promise<Set<string>>>();

  constructor(private readonly limit: number) {}

  async admit(gridSearchId: string, log: EventLog, events: readonly unknown[]): Promise<void> {
    let loading = this.known.get(gridSearchId);
    if (!loading) {
      loading = this.load(log);
      this.known.set(gridSearchId, loading);
      loading.catch(() => this.known.delete(gridSearchId));
    }
    const keys = await loading;
    const added = new Set<string>();
    for (const event of events) {
      for (const key of eventKeys(event)) if (!keys.has(key)) added.add(key);
    }
    if (keys.size + added.size > this.limit) {
      throw MlgymError.fromIssue({
        code: 'PAYLOAD_TOO_LARGE',
        problem: `these events would give grid search ${gridSearchId} ${keys.size + added.size} distinct metric, loss and config keys`,
        expected: `at most ${this.limit} (the endpoint's --max_keys_per_grid_search); nothing of this batch was stored`,
      });
    }
    // Counted before the append: a concurrent batch sees them, so two cannot pass the bound together.
    for (const key of added) keys.add(key);
  }

  /** The keys of what is stored: only the lines that can hold keys are parsed (progress events are most). */
  private async load(log: EventLog): Promise<Set<string>> {
    const keys = new Set<string>();
    for await (const chunk of log.readRaw(0, log.length)) {
      for (const line of chunk.bytes.toString('utf8').split('\n')) {
        if (
          !line.includes('"evaluation_result"') &&
          !line.includes('"experiment_config"') &&
          !line.includes('"annotation"')
        )
          continue;
        try {
          eventKeys(JSON.parse(line), keys);
        } catch {
          // a line that is not JSON holds no keys (the log sets torn lines aside itself)
        }
      }
    }
    return keys;
  }
}
