import { formatNumber } from '../../shared/cellFormat';
import type { ColumnFilter } from '../../analysis/rowFilter';

/** A filter as its chip shows it, e.g. `hp.lr ≤ 0.01`, `status ∈ {FAILED}`, `error ~ /oom/`. */
export function filterLabel(f: ColumnFilter, columnLabel: string): string {
  switch (f.kind) {
    case 'text':
      return `${columnLabel} ~ /${f.pattern}/`;
    case 'set':
      return `${columnLabel} ∈ {${f.values.map((v) => v || '(empty)').join(', ')}}`;
    case 'range':
      if (f.min !== null && f.max !== null) return `${formatNumber(f.min)} ≤ ${columnLabel} ≤ ${formatNumber(f.max)}`;
      return f.min !== null ? `${columnLabel} ≥ ${formatNumber(f.min)}` : `${columnLabel} ≤ ${formatNumber(f.max)}`;
  }
}
