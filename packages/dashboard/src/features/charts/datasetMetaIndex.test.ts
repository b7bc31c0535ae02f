import { describe, expect, it } from 'vitest';
import { indexDatasetMetas } from './datasetMetaIndex';

/** chart.js 4.6's own lookup, as the reference. */
function reference(
  this: { data: { datasets: unknown[] }; _metasets: Array<{ _dataset: unknown } | undefined> },
  i: number,
) {
  const dataset = this.data.datasets[i];
  let meta = this._metasets.filter((x) => x && x._dataset === dataset).pop();
  if (!meta) {
    meta = { _dataset: dataset };
    this._metasets.push(meta);
  }
  return meta;
}

describe('indexDatasetMetas', () => {
  it('answers as chart.js does through new datasets, deleted metas, moved metas and reordered datasets', () => {
    const proto = { getDatasetMeta: reference };
    indexDatasetMetas(proto);
    indexDatasetMetas(proto); // a second call wraps nothing twice
    const fast = { data: { datasets: [] as unknown[] }, _metasets: [] as Array<{ _dataset: unknown } | undefined> };
    const slow = { data: { datasets: [] as unknown[] }, _metasets: [] as Array<{ _dataset: unknown } | undefined> };
    const datasets = Array.from({ length: 50 }, (_, i) => ({ i }));
    const check = () => {
      for (let i = 0; i < fast.data.datasets.length; i++) {
        const a = proto.getDatasetMeta.call(fast, i);
        const b = reference.call(slow, i);
        expect(a._dataset).toBe(b._dataset);
        expect(fast._metasets.indexOf(a)).toBe(slow._metasets.indexOf(b));
      }
      expect(fast._metasets.length).toBe(slow._metasets.length);
    };
    fast.data.datasets = datasets.slice(0, 30);
    slow.data.datasets = datasets.slice(0, 30);
    check();
    check();
    for (const m of [fast, slow]) {
      delete m._metasets[3]; // chart.js's _destroyDatasetMeta
      m._metasets.splice(10, 2); // _updateMetasets drops metas of removed datasets
      m.data.datasets = [...datasets.slice(20, 50), ...datasets.slice(0, 20)].reverse();
    }
    check();
    // a dataset met again after its meta went keeps getting one meta
    expect(proto.getDatasetMeta.call(fast, 0)).toBe(proto.getDatasetMeta.call(fast, 0));
  });
});
