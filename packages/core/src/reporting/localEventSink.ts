import type { EventLog } from '@mlgym/event-store';
import type { MlgymEvent } from '@mlgym/protocol';
import type { EventSink } from './eventSink.js';

/**
 * Writes events straight into a local event log (the same file format the websocket endpoint
 * writes), for runs without logging servers; `ml_board_ws_endpoint` serves it later.
 */
export class LocalEventSink implements EventSink {
  private queue: MlgymEvent[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: EventLog,
    private readonly flushIntervalMs = 50,
    private readonly warn: (text: string) => void = () => undefined,
  ) {}

  emit(event: MlgymEvent): void {
    this.queue.push(event);
    this.timer ??= setTimeout(() => void this.write(), this.flushIntervalMs).unref();
  }

  private write(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length > 0) {
      this.writing = this.writing.then(() =>
        this.log.append(batch).then(
          () => undefined,
          (error: unknown) => this.warn(`mlgym: cannot write events locally: ${(error as Error).message}`),
        ),
      );
    }
    return this.writing;
  }

  async flush(): Promise<boolean> {
    await this.write();
    return true;
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
