import type { MlgymEvent } from '@mlgym/protocol';

interface Row {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  split: string;
  phase: string;
  metric: string;
  done: boolean;
  failed: boolean;
}

const BAR = 20;
function bar(fraction: number): string {
  const filled = Math.max(0, Math.min(BAR, Math.round(fraction * BAR)));
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}]`;
}

/**
 * Live progress of a run from its events: on a TTY one bar per running experiment (epoch, batch,
 * split, last metric) under an overall bar, redrawn in place; elsewhere one plain line per finished
 * epoch and per finished experiment.
 */
export class ProgressView {
  private readonly rows = new Map<number, Row>();
  private total = 0;
  /** An adaptive search's decisions so far, by kind. */
  private readonly decisions = new Map<string, number>();
  private drawn = 0;
  private lastDraw = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
  ) {}

  observe(event: MlgymEvent): void {
    const p = event.payload as Record<string, unknown>;
    if (event.event_type === 'search_decision' || event.event_type === 'search_plan') {
      if (event.event_type === 'search_decision') {
        const kind = String(p['decision']);
        this.decisions.set(kind, (this.decisions.get(kind) ?? 0) + 1);
      }
      if (this.tty) this.draw(false);
      return;
    }
    const id = p['experiment_id'] as number;
    const row = this.rows.get(id) ?? {
      epoch: 0,
      epochs: 0,
      batch: 0,
      batches: 0,
      split: '',
      phase: 'waiting',
      metric: '',
      done: false,
      failed: false,
    };
    this.rows.set(id, row);
    switch (event.event_type) {
      case 'job_status':
        if (p['status'] === 'INIT') this.total++;
        if (p['status'] === 'RUNNING') Object.assign(row, { phase: 'starting', done: false, failed: false });
        if (p['status'] === 'DONE') {
          row.done = true;
          row.failed = p['error'] !== null && p['error'] !== undefined;
          if (!this.tty)
            this.write(
              `experiment ${id}: ${row.failed ? `failed: ${String(p['error'])}` : 'done'} (${this.finished()}/${this.total})`,
            );
        }
        break;
      case 'job_interrupted':
        row.done = true;
        if (!this.tty) this.write(`experiment ${id}: interrupted after ${Number(p['epoch']) + 1} epochs`);
        break;
      case 'experiment_status':
        Object.assign(row, {
          epoch: p['current_epoch'],
          epochs: p['num_epochs'],
          batch: p['current_batch'],
          batches: p['num_batches'],
          split: p['current_split'] ?? '',
          phase: p['status'],
        });
        break;
      case 'evaluation_result': {
        const scores = (p['metric_scores'] as Array<{ metric: string; split: string; score: unknown }>) ?? [];
        const first = scores[0];
        if (first && typeof first.score === 'number') {
          row.metric = `${first.split} ${first.metric} ${first.score.toFixed(4)}`;
          if (!this.tty)
            this.write(`experiment ${id}: epoch ${(p['epoch'] as number) + 1}/${row.epochs || '?'} ${row.metric}`);
        }
        break;
      }
      default:
        break;
    }
    if (this.tty) this.draw(event.event_type === 'job_status');
  }

  private finished(): number {
    return [...this.rows.values()].filter((r) => r.done).length;
  }

  private draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const running = [...this.rows.entries()].filter(([, r]) => !r.done && r.phase !== 'waiting');
    const search = ['started', 'promoted', 'stopped', 'completed', 'failed']
      .filter((k) => this.decisions.has(k))
      .map((k) => `${this.decisions.get(k)} ${k}`)
      .join(', ');
    const lines = [
      `overall    ${bar(this.total ? this.finished() / this.total : 0)} ${this.finished()}/${this.total} experiments${search ? `  (search: ${search})` : ''}`,
    ];
    for (const [id, r] of running) {
      const fraction = r.epochs
        ? (r.epoch + (r.batches ? (r.phase === 'train' ? (r.batch + 1) / r.batches : 1) : 0)) / r.epochs
        : 0;
      const where = r.batches ? ` ${r.split} ${r.batch + 1}/${r.batches}` : '';
      lines.push(
        `exp ${String(id).padStart(4)}   ${bar(fraction)} epoch ${r.epoch + 1}/${r.epochs || '?'} ${r.phase}${where} ${r.metric}`,
      );
    }
    // Move up over the previous frame, then rewrite it line by line.
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
    this.write(`${up}${lines.map((l) => `\x1b[2K${l}`).join('\n')}${this.drawn > lines.length ? `\n\x1b[J` : ''}`);
    this.drawn = lines.length;
  }

  /** Leaves the cursor below the last frame. */
  finish(): void {
    if (this.tty && this.drawn > 0) this.draw(true);
  }
}
