import type { ColDef, IRowNode, PostSortRowsParams, ValueFormatterParams, ValueGetterParams } from 'ag-grid-community';
import type { CustomCellRendererProps } from 'ag-grid-react';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { groupExpanded } from '../../analysis/analysisSlice';
import { GROUP_FIELD, PARENT_FIELD, isGroupRow, isGroupStat } from '../../analysis/grouping/groupRows';
import type { GroupRowInfo } from '../../analysis/grouping/groupRows';
import type { ColumnSpec } from '../../analysis/experimentTable';
import type { GridRow } from '../../analysis/rowFilter';
import { formatNumber } from '../../shared/cellFormat';
import { isolateBidi } from '../../shared/isolateBidi';
import { splitKey } from '../../connection/events/experimentKey';

const info = (row: GridRow | undefined): GroupRowInfo | undefined =>
  row && isGroupRow(row) ? (row[GROUP_FIELD] as GroupRowInfo) : undefined;

const TOGGLE = {
  display: 'inline-flex',
  alignItems: 'center',
  gap: 6,
  padding: 0,
  border: 0,
  background: 'none',
  font: 'inherit',
  fontWeight: 600,
  color: 'inherit',
  cursor: 'pointer',
  maxWidth: '100%',
  overflow: 'hidden',
  textOverflow: 'ellipsis',
  whiteSpace: 'nowrap',
} as const;

/**
 * The first column of a grouped table: a group's row folds its experiments in and out (▸/▾, its label
 * and n); an experiment listed under its group is indented.
 */
export function GroupCell({ data, value }: CustomCellRendererProps<GridRow, number>) {
  const dispatch = useAppDispatch();
  const group = info(data);
  // Read from the store, not the row: a group's cell value (its key) stays the same when it opens, so
  // ag-grid keeps the cell as first drawn and its row's `expanded` would stay the first one.
  const expanded = useAppSelector((s) => group !== undefined && s.analysis.expandedGroups.includes(group.key));
  if (!group) {
    const id = typeof value === 'number' ? splitKey(value).id : value;
    return <span style={{ paddingLeft: data?.[PARENT_FIELD] !== undefined ? 22 : 0 }}>{`experiment_${id}`}</span>;
  }
  return (
    <button
      type="button"
      style={TOGGLE}
      aria-expanded={expanded}
      title={group.label}
      aria-label={`${expanded ? 'Fold' : 'List'} the ${group.members.length} experiments of ${group.label}`}
      onClick={(e) => {
        e.stopPropagation();
        dispatch(groupExpanded({ key: group.key, expanded: !expanded }));
      }}
    >
      <span aria-hidden>{expanded ? '▾' : '▸'}</span>
      {isolateBidi(group.label)}
    </button>
  );
}

/** A score of a group row is its members' mean ± std (population); sorting reads the mean. */
const scoreValue = (c: ColumnSpec) => (p: ValueGetterParams<GridRow>) => {
  const v = p.data?.[c.id];
  return isGroupStat(v) ? v.mean : v;
};
const scoreText = (c: ColumnSpec) => (p: ValueFormatterParams<GridRow>) => {
  const v = p.data?.[c.id];
  return isGroupStat(v) ? `${formatNumber(v.mean)} ± ${formatNumber(v.std)}` : formatNumber(p.value);
};

const LEAD = new Set(['experiment_id', 'grid_search', 'status', 'epoch_progress']);

/**
 * The columns of a grouped table: the group column, n, and every score as mean ± std right after the
 * status (what groups are compared by), then the hyper-parameters the members share and the rest.
 */
export function groupedColumnDefs(
  shown: readonly ColumnSpec[],
  plain: (c: ColumnSpec) => ColDef<GridRow>,
): ColDef<GridRow>[] {
  const out: ColDef<GridRow>[] = [];
  const ordered = [
    ...shown.filter((c) => LEAD.has(c.id)),
    ...shown.filter((c) => c.group === 'score'),
    ...shown.filter((c) => !LEAD.has(c.id) && c.group !== 'score'),
  ];
  for (const c of ordered) {
    const def = plain(c);
    if (c.id === 'experiment_id') {
      out.push({ ...def, headerName: 'Group / experiment', cellRenderer: GroupCell, initialWidth: 300 });
      out.push({
        colId: 'n',
        field: 'n',
        headerName: 'n',
        headerTooltip: 'Experiments in the group (that pass the filters)',
        type: 'numericColumn',
        sortable: true,
        resizable: true,
        initialWidth: 80,
      });
    } else if (c.group === 'score')
      out.push({ ...def, valueGetter: scoreValue(c), valueFormatter: scoreText(c), initialWidth: 190 });
    else out.push(def);
  }
  return out;
}

/**
 * Keeps each group's experiments right under their group's row whatever the sort: groups sort among
 * themselves, an expanded group's experiments among themselves.
 */
export function keepGroupsTogether({ nodes }: PostSortRowsParams<GridRow>): void {
  const members = new Map<string, IRowNode<GridRow>[]>();
  const tops: IRowNode<GridRow>[] = [];
  for (const node of nodes) {
    const parent = node.data?.[PARENT_FIELD];
    if (typeof parent === 'string') {
      const list = members.get(parent);
      if (list) list.push(node);
      else members.set(parent, [node]);
    } else tops.push(node);
  }
  if (members.size === 0) return;
  const ordered: IRowNode<GridRow>[] = [];
  for (const top of tops) {
    ordered.push(top);
    const key = info(top.data)?.key;
    if (key !== undefined) ordered.push(...(members.get(key) ?? []));
  }
  nodes.splice(0, nodes.length, ...ordered);
}

/** A row's id: a group's by its first member, an experiment's by its key. */
export const rowIdOf = (row: GridRow): string =>
  isGroupRow(row) ? `group-${row.experiment_id}` : String(row.experiment_id);

export const GROUP_ROW_STYLE = { background: '#f3f6fb', fontWeight: 600 } as const;
