import { useState } from 'react';
import { Button, Chip, InputAdornment, Stack, TextField } from '@mui/material';
import FilterListIcon from '@mui/icons-material/FilterList';
import SearchIcon from '@mui/icons-material/Search';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { ColumnFilterDialog } from './ColumnFilterDialog';
import { filterLabel } from './filterLabel';
import type { ColumnFilter } from '../../analysis/rowFilter';
import { columnFilterSet, filtersCleared, quickFilterChanged } from '../../analysis/analysisSlice';
import { selectColumns, selectQuickFilterError } from '../../analysis/experimentTable';

/** Quick regex filter over every shown column plus per-column filters; they filter rows and chart lines. */
export function TableFilterBar() {
  const quick = useAppSelector((s) => s.analysis.quickFilter);
  const filters = useAppSelector((s) => s.analysis.columnFilters);
  const columns = useAppSelector(selectColumns);
  const error = useAppSelector(selectQuickFilterError);
  const dispatch = useAppDispatch();
  const [editing, setEditing] = useState<ColumnFilter | null | undefined>(undefined);
  const label = (id: string) => columns.find((c) => c.id === id)?.label ?? id;
  return (
    <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap', flex: 1 }}>
      <TextField
        size="small"
        label="Filter rows"
        placeholder="regex over all columns, e.g. COMPLETED|0\.001"
        value={quick}
        onChange={(e) => dispatch(quickFilterChanged(e.target.value))}
        error={error !== null}
        helperText={error ?? ' '}
        sx={{ minWidth: 300 }}
        slotProps={{
          input: {
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          },
        }}
      />
      <Button startIcon={<FilterListIcon />} onClick={() => setEditing(null)} sx={{ mt: 0.5 }}>
        Add filter
      </Button>
      {filters.map((f) => (
        <Chip
          key={f.column}
          label={filterLabel(f, label(f.column))}
          onClick={() => setEditing(f)}
          onDelete={() => dispatch(columnFilterSet({ column: f.column, filter: null }))}
          color="primary"
          variant="outlined"
          sx={{ mt: 0.75 }}
        />
      ))}
      {(filters.length > 0 || quick) && (
        <Button size="small" onClick={() => dispatch(filtersCleared())} sx={{ mt: 0.75 }}>
          Clear filters
        </Button>
      )}
      <ColumnFilterDialog
        open={editing !== undefined}
        initial={editing ?? null}
        onClose={() => setEditing(undefined)}
      />
    </Stack>
  );
}
