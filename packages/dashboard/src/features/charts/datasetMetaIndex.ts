import { Chart } from 'chart.js';

interface Meta {
  _dataset: unknown;
}
interface ChartInternals {
  data: { datasets: unknown[] };
  _metasets: Array<Meta | undefined>;
  $metaIndex?: Map<unknown, number>;
}
type GetMeta = (this: ChartInternals, datasetIndex: number) => Meta;

/**
 * chart.js 4 finds a dataset's meta by scanning every meta (`_metasets.filter(…).pop()`), and calls
 * that once per dataset on every update: quadratic in the lines of a chart. With 1,000 lines it was
 * the largest part of each redraw (bench:board case 2). This keeps a dataset → position index beside
 * it with the same answer (the last meta of that dataset); a position that no longer holds the
 * dataset's meta (chart.js deleted or moved metas) rebuilds the index, a miss lets chart.js create
 * the meta as before.
 */
export function indexDatasetMetas(proto: { getDatasetMeta: unknown } = Chart.prototype): void {
  const original = proto.getDatasetMeta as GetMeta & { indexed?: boolean };
  if (original.indexed) return;
  const indexed: GetMeta = function (this: ChartInternals, datasetIndex) {
    const dataset = this.data.datasets[datasetIndex];
    const metas = this._metasets;
    let index = this.$metaIndex?.get(dataset);
    if (index !== undefined && metas[index]?._dataset === dataset && dataset !== undefined) {
      return metas[index] as Meta;
    }
    const map = new Map<unknown, number>();
    metas.forEach((m, i) => m && map.set(m._dataset, i));
    this.$metaIndex = map;
    index = map.get(dataset);
    if (index !== undefined && dataset !== undefined) return metas[index] as Meta;
    const meta = original.call(this, datasetIndex);
    if (metas[metas.length - 1] === meta) map.set(dataset, metas.length - 1);
    return meta;
  };
  proto.getDatasetMeta = Object.assign(indexed, { indexed: true });
}
