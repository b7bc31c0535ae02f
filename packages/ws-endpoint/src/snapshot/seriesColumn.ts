/**
 * One experiment's points of one series, as the board keeps them: epochs ascending, one value per epoch.
 * Epochs that follow each other from the first (the usual case) are not stored, only counted, so a
 * point costs its value's 8 bytes.
 */
export class SeriesColumn {
  private values = new Float64Array(8);
  /** Stored epochs; null while they are `first, first + 1, …`. */
  private epochs: Float64Array | null = null;
  private first = 0;
  length = 0;

  private epochAt(i: number): number {
    return this.epochs ? (this.epochs[i] as number) : this.first + i;
  }

  private grow(): void {
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    this.values = values;
    if (this.epochs) {
      const epochs = new Float64Array(this.values.length);
      epochs.set(this.epochs);
      this.epochs = epochs;
    }
  }

  private storeEpochs(): Float64Array {
    if (!this.epochs) {
      this.epochs = new Float64Array(this.values.length);
      for (let i = 0; i < this.length; i++) this.epochs[i] = this.first + i;
    }
    return this.epochs;
  }

  /** Sets the value of an epoch: true when the epoch is new, false when it replaced the epoch's value. */
  put(epoch: number, value: number): boolean {
    if (this.length === 0) this.first = epoch;
    const last = this.length ? this.epochAt(this.length - 1) : -Infinity;
    if (epoch > last) {
      if (this.length === this.values.length) this.grow();
      if (!this.epochs && epoch !== this.first + this.length) this.storeEpochs();
      if (this.epochs) this.epochs[this.length] = epoch;
      this.values[this.length++] = value;
      return true;
    }
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.epochAt(mid) < epoch) lo = mid + 1;
      else hi = mid;
    }
    if (this.epochAt(lo) === epoch) {
      this.values[lo] = value;
      return false;
    }
    // an earlier epoch than any held after it: inserted in order
    if (this.length === this.values.length) this.grow();
    const epochs = this.storeEpochs();
    epochs.copyWithin(lo + 1, lo, this.length);
    this.values.copyWithin(lo + 1, lo, this.length);
    epochs[lo] = epoch;
    this.values[lo] = value;
    this.length++;
    return true;
  }

  /** Exact-size copies of the epochs and values. */
  copy(): { epochs: Float64Array; values: Float64Array } {
    const epochs = this.epochs
      ? this.epochs.slice(0, this.length)
      : Float64Array.from({ length: this.length }, (_, i) => this.first + i);
    return { epochs, values: this.values.slice(0, this.length) };
  }

  /** A column holding these points (epochs ascending, one value each). */
  static of(epochs: ArrayLike<number>, values: ArrayLike<number>): SeriesColumn {
    const c = new SeriesColumn();
    for (let i = 0; i < epochs.length; i++) c.put(epochs[i] as number, values[i] as number);
    return c;
  }
}
