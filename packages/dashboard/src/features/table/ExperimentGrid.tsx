import { forwardRef, memo, useCallback, useEffect, useImperativeHandle, useMemo, useRef } from 'react';
import {
  CellStyleModule,
  ClientSideRowModelModule,
  ColumnApiModule,
  CsvExportModule,
  ExternalFilterModule,
  ModuleRegistry,
  RowApiModule,
  RowSelectionModule,
  RowStyleModule,
  TooltipModule,
  themeQuartz,
} from 'ag-grid-community';
import type {
  ColDef,
  GetRowIdParams,
  IRowNode,
  ProcessCellForExportParams,
  ProcessHeaderForExportParams,
  RowClassParams,
  RowClickedEvent,
  RowSelectionOptions,
  SelectionChangedEvent,
  ValueFormatterParams,
} from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useNavigate } from 'react-router-dom';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { compareSelectionSet } from '../../analysis/analysisSlice';
import { selectFilteredExperimentIds } from '../../analysis/analysisSelectors';
import { isolateBidi } from '../../shared/isolateBidi';
import { formatBytes, formatDuration, formatNumber, formatPercent, formatTime } from '../../shared/cellFormat';
import { csvSafe } from './csvSafe';
import { OpenCell, ProgressCell, StatusCell } from './cellRenderers';
import { TagsCell } from './TagsCell';
import type { GridRow } from '../../analysis/rowFilter';
import type { ColumnSpec } from '../../analysis/experimentTable';
import { selectGridRows, selectShownColumns } from '../../analysis/experimentTable';
import { selectGroupedRows } from '../../analysis/grouping/groupTableSelectors';
import { GROUP_FIELD, isGroupRow } from '../../analysis/grouping/groupRows';
import type { GroupRowInfo } from '../../analysis/grouping/groupRows';
import { selectGridSearchNames } from '../../analysis/experiments/gridSearchSelectors';
import { splitKey } from '../../connection/events/experimentKey';
import { groupExpanded } from '../../analysis/analysisSlice';
import { GROUP_ROW_STYLE, groupedColumnDefs, keepGroupsTogether, rowIdOf } from './groupColumns';

// Only what the table uses (the whole community bundle would double the page's weight). CellStyleModule:
// the `numericColumn` type right-aligns through cell and header classes.
ModuleRegistry.registerModules([
  CellStyleModule,
  ClientSideRowModelModule,
  // applyColumnState: a grouped table orders its columns anew
  ColumnApiModule,
  ExternalFilterModule,
  CsvExportModule,
  RowApiModule,
  RowSelectionModule,
  RowStyleModule,
  TooltipModule,
]);

// Checkboxes pick experiments for the compare view; a click elsewhere on a row opens the experiment
// (a group's row folds its experiments in and out, and is not picked: comparing is of experiments).
const rowSelection: RowSelectionOptions<GridRow> = {
  mode: 'multiRow',
  checkboxes: true,
  headerCheckbox: true,
  enableClickSelection: false,
  isRowSelectable: (node) => node.data !== undefined && !isGroupRow(node.data),
  hideDisabledCheckboxes: true,
};

const theme = themeQuartz.withParams({ fontFamily: 'inherit', headerFontWeight: 600, spacing: 6 });

export interface ExperimentGridHandle {
  exportCsv(fileName: string): void;
  displayedRowCount(): number;
}

const format = (fn: (v: unknown) => string) => (p: ValueFormatterParams<GridRow>) => fn(p.value);

/** A cell of the CSV export: as the table shows it, isolated and never a formula (see csvSafe). */
function exportCell(p: ProcessCellForExportParams<GridRow>): string {
  const shown: unknown = p.formatValue(p.value);
  return csvSafe(isolateBidi(shown === null || shown === undefined ? '' : String(shown)));
}

/** A header of the CSV export: labels are isolated already (tableSelectors); never a formula. */
const exportHeader = (p: ProcessHeaderForExportParams<GridRow>): string =>
  csvSafe(p.column.getColDef().headerName ?? p.column.getColId());

/** The experiment column on a page of several grid searches: the id within its grid search (the next column names it). */
const localId = (p: ValueFormatterParams<GridRow>) => (typeof p.value === 'number' ? String(splitKey(p.value).id) : '');

function columnDef(c: ColumnSpec): ColDef<GridRow> {
  const base: ColDef<GridRow> = {
    colId: c.id,
    field: c.id,
    headerName: c.label,
    headerTooltip: c.description ?? c.label,
    sortable: true,
    resizable: true,
    filter: false,
  };
  if (c.id === 'experiment_id') return { ...base, initialWidth: 130 };
  if (c.id === 'status') return { ...base, cellRenderer: StatusCell, initialWidth: 140 };
  if (c.id === 'duration')
    return { ...base, valueFormatter: format(formatDuration), type: 'numericColumn', initialWidth: 120 };
  if (c.id === 'mean_cpu')
    return {
      ...base,
      valueFormatter: format((v) => (typeof v === 'number' ? `${formatNumber(v)} %` : '')),
      type: 'numericColumn',
      initialWidth: 120,
    };
  switch (c.type) {
    case 'tags':
      // sorted and exported by their names, comma-separated
      return {
        ...base,
        cellRenderer: TagsCell,
        valueFormatter: format((v) => (Array.isArray(v) ? v.join(', ') : '')),
        comparator: (a: readonly string[] = [], b: readonly string[] = []) => a.join(',').localeCompare(b.join(',')),
        initialWidth: 240,
      };
    case 'bytes':
      return { ...base, valueFormatter: format(formatBytes), type: 'numericColumn', initialWidth: 120 };
    case 'progress':
      return { ...base, cellRenderer: ProgressCell, valueFormatter: format(formatPercent), initialWidth: 150 };
    case 'time':
      return { ...base, valueFormatter: format(formatTime), initialWidth: 170 };
    case 'number':
      return { ...base, valueFormatter: format(formatNumber), initialWidth: c.group === 'experiment' ? 110 : 150 };
    default:
      return { ...base, initialWidth: c.id === 'error' ? 240 : 130 };
  }
}

/**
 * The experiment table (ag-grid: virtualised rows, ARIA grid roles). Filtering is external: the same
 * pure predicate filters the chart lines, so table and charts never disagree.
 */
const ROW_STYLE = { cursor: 'pointer' };
const groupRowStyle = (p: RowClassParams<GridRow>) => (p.data && isGroupRow(p.data) ? GROUP_ROW_STYLE : undefined);
const getRowId = (p: GetRowIdParams<GridRow>) => rowIdOf(p.data);

export const ExperimentGrid = memo(
  forwardRef<ExperimentGridHandle>(function ExperimentGrid(_props, ref) {
    const plainRows = useAppSelector(selectGridRows);
    const groupedRows = useAppSelector(selectGroupedRows);
    const several = useAppSelector((s) => selectGridSearchNames(s).length > 1);
    const shown = useAppSelector(selectShownColumns);
    const filtered = useAppSelector(selectFilteredExperimentIds);
    const grid = useRef<AgGridReact<GridRow>>(null);
    // grouped rows are of what passes the filters already
    const grouped = groupedRows !== null;
    const rows = groupedRows ?? plainRows;
    const filterRef = useRef(filtered);
    filterRef.current = grouped ? null : filtered;
    const navigate = useNavigate();
    const dispatch = useAppDispatch();
    const compared = useAppSelector((s) => s.analysis.compared);
    const comparedRef = useRef(compared);
    comparedRef.current = compared;

    useImperativeHandle(ref, () => ({
      exportCsv: (fileName) =>
        grid.current?.api.exportDataAsCsv({
          fileName,
          columnKeys: shown.map((c) => c.id),
          processCellCallback: exportCell,
          processHeaderCallback: exportHeader,
        }),
      displayedRowCount: () => grid.current?.api.getDisplayedRowCount() ?? 0,
    }));

    useEffect(() => {
      grid.current?.api?.onFilterChanged();
    }, [filtered, grouped]);

    // The compare selection lives in the store (the sweep view sets it too); the checkboxes follow it.
    const syncSelection = useCallback(() => {
      const api = grid.current?.api;
      if (!api) return;
      const want = new Set(comparedRef.current);
      api.forEachNode((node) => {
        const on = node.data !== undefined && !isGroupRow(node.data) && want.has(node.data.experiment_id);
        if (node.isSelected() !== on) node.setSelected(on, false, 'api');
      });
    }, []);
    useEffect(syncSelection, [compared, rows, syncSelection]);
    const onSelectionChanged = useCallback(
      (e: SelectionChangedEvent<GridRow>) => {
        if (e.source === 'api') return;
        dispatch(compareSelectionSet(e.api.getSelectedRows().map((r) => r.experiment_id)));
      },
      [dispatch],
    );

    const columnDefs = useMemo<ColDef<GridRow>[]>(
      () => [
        ...(grouped
          ? groupedColumnDefs(shown, columnDef)
          : shown.map((c) =>
              several && c.id === 'experiment_id' ? { ...columnDef(c), valueFormatter: localId } : columnDef(c),
            )),
        {
          colId: '__open',
          headerName: '',
          width: 56,
          sortable: false,
          resizable: false,
          cellRenderer: OpenCell,
          suppressHeaderMenuButton: true,
        },
      ],
      [shown, grouped, several],
    );
    // ag-grid keeps the order of the columns it had when the definitions change: a grouped table puts
    // the scores first (see groupedColumnDefs), ungrouping puts them back.
    useEffect(() => {
      grid.current?.api?.applyColumnState({
        state: columnDefs.map((c) => ({ colId: c.colId as string })),
        applyOrder: true,
      });
    }, [columnDefs]);
    // Stable callbacks and props: a new one makes ag-grid refresh its rows on every render.
    const onRowClicked = useCallback(
      (e: RowClickedEvent<GridRow>) => {
        const target = e.event?.target;
        if (target instanceof Element && target.closest('.ag-selection-checkbox, .ag-checkbox, [data-no-row-click]'))
          return;
        if (e.data && isGroupRow(e.data)) {
          const g = e.data[GROUP_FIELD] as GroupRowInfo;
          dispatch(groupExpanded({ key: g.key, expanded: !g.expanded }));
        } else if (e.data) navigate(`/experiment?experiment_id=${e.data.experiment_id}`);
      },
      [navigate, dispatch],
    );
    const isExternalFilterPresent = useCallback(() => filterRef.current !== null, []);
    const doesExternalFilterPass = useCallback(
      (node: IRowNode<GridRow>) => !node.data || (filterRef.current?.has(node.data.experiment_id) ?? true),
      [],
    );

    return (
      <div style={{ height: 'calc(100vh - 230px)', minHeight: 320, width: '100%' }}>
        <AgGridReact<GridRow>
          ref={grid}
          theme={theme}
          rowData={rows}
          columnDefs={columnDefs}
          getRowId={getRowId}
          suppressFieldDotNotation
          isExternalFilterPresent={isExternalFilterPresent}
          doesExternalFilterPass={doesExternalFilterPass}
          rowSelection={rowSelection}
          onSelectionChanged={onSelectionChanged}
          onFirstDataRendered={syncSelection}
          onRowClicked={onRowClicked}
          rowStyle={ROW_STYLE}
          getRowStyle={groupRowStyle}
          postSortRows={keepGroupsTogether}
          // Rows and columns are virtualised: a 1600-pixel window shows about twelve of thirty columns,
          // and drawing all thirty made more than twice the cells to style and lay out at every update.
          // Rows keep their ARIA indexes (aria-colindex, aria-rowindex), so readers know where they are.
          animateRows={false}
          // rows rendered beyond the visible ones (default 10 each side): a filter or a sort renders
          // every one of them again, and with ~25 columns each the default nearly doubled that work
          rowBuffer={4}
          enableCellTextSelection
          tooltipShowDelay={300}
          overlayNoRowsTemplate="No experiments match (or none yet)."
        />
      </div>
    );
  }),
);
