import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Gives the event loop a turn once `everyMs` of synchronous work has passed: tfjs kernels run
 * synchronously, and without turns no event leaves the process and no signal is seen until the
 * training call returns. A turn costs microseconds; checking the clock costs less.
 */
export class EventLoopPacer {
  private last = performance.now();

  constructor(private readonly everyMs = 100) {}

  async maybeYield(): Promise<void> {
    if (performance.now() - this.last < this.everyMs) return;
    await nextTurn();
    this.last = performance.now();
  }
}
