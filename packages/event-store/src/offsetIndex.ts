/** Growable list of byte offsets (line starts plus the end), in a typed array to stay compact at millions of lines. */
export class OffsetIndex {
  private data = new Float64Array(1024);
  private size = 0;

  push(offset: number): void {
    if (this.size === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = offset;
  }

  get length(): number {
    return this.size;
  }

  at(i: number): number {
    if (i < 0 || i >= this.size) throw new RangeError(`offset ${i} out of range (${this.size})`);
    return this.data[i] as number;
  }

  /** The largest i in [lo, hi] with at(i) <= value. */
  floorIndex(value: number, lo: number, hi: number): number {
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = Math.ceil((a + b) / 2);
      if ((this.data[mid] as number) <= value) a = mid;
      else b = mid - 1;
    }
    return a;
  }
}
