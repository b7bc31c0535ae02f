import { useEffect, useMemo, useState } from 'react';
import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  FormGroup,
  MenuItem,
  Stack,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
} from '@mui/material';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import type { ColumnFilter } from '../../analysis/rowFilter';
import { cellText, compilePattern } from '../../analysis/rowFilter';
import { columnFilterSet } from '../../analysis/analysisSlice';
import { selectColumns, selectGridRows } from '../../analysis/experimentTable';

const MAX_SET_VALUES = 50;

function parseBound(text: string): number | null | 'invalid' {
  if (text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : 'invalid';
}

/** Adds or edits the filter of one column: text (regex), set of values, or numeric range. */
export function ColumnFilterDialog({
  open,
  initial,
  onClose,
}: {
  open: boolean;
  initial: ColumnFilter | null;
  onClose: () => void;
}) {
  const columns = useAppSelector(selectColumns);
  const rows = useAppSelector(selectGridRows);
  const dispatch = useAppDispatch();
  const [column, setColumn] = useState('');
  const [kind, setKind] = useState<ColumnFilter['kind']>('text');
  const [pattern, setPattern] = useState('');
  const [values, setValues] = useState<string[]>([]);
  const [min, setMin] = useState('');
  const [max, setMax] = useState('');

  useEffect(() => {
    if (!open) return;
    setColumn(initial?.column ?? '');
    setKind(initial?.kind ?? 'text');
    setPattern(initial?.kind === 'text' ? initial.pattern : '');
    setValues(initial?.kind === 'set' ? initial.values : []);
    setMin(initial?.kind === 'range' && initial.min !== null ? String(initial.min) : '');
    setMax(initial?.kind === 'range' && initial.max !== null ? String(initial.max) : '');
  }, [open, initial]);

  const distinct = useMemo(() => {
    const seen = new Set<string>();
    for (const r of rows) seen.add(cellText(r[column]));
    return [...seen].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  }, [rows, column]);
  const numeric = useMemo(() => column !== '' && rows.some((r) => typeof r[column] === 'number'), [rows, column]);

  const patternError = kind === 'text' ? compilePattern(pattern).error : null;
  const low = parseBound(min);
  const high = parseBound(max);
  let filter: ColumnFilter | null = null;
  if (column) {
    if (kind === 'text' && pattern.trim() && !patternError) filter = { column, kind, pattern };
    if (kind === 'set' && values.length) filter = { column, kind, values };
    if (kind === 'range' && low !== 'invalid' && high !== 'invalid' && (low !== null || high !== null)) {
      filter = { column, kind, min: low, max: high };
    }
  }

  return (
    <Dialog open={open} onClose={onClose} maxWidth="xs" fullWidth aria-labelledby="column-filter-title">
      <DialogTitle id="column-filter-title">Filter a column</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <TextField select label="Column" value={column} onChange={(e) => setColumn(e.target.value)} fullWidth>
            {columns.map((c) => (
              <MenuItem key={c.id} value={c.id}>
                {c.label}
              </MenuItem>
            ))}
          </TextField>
          <ToggleButtonGroup
            exclusive
            size="small"
            value={kind}
            onChange={(_e, k: ColumnFilter['kind'] | null) => k && setKind(k)}
          >
            <ToggleButton value="text">Text</ToggleButton>
            <ToggleButton value="set" disabled={distinct.length > MAX_SET_VALUES}>
              Values
            </ToggleButton>
            <ToggleButton value="range" disabled={!numeric}>
              Range
            </ToggleButton>
          </ToggleButtonGroup>
          {kind === 'text' && (
            <TextField
              label="Matches (regular expression)"
              value={pattern}
              onChange={(e) => setPattern(e.target.value)}
              error={patternError !== null}
              helperText={patternError ?? 'Case-insensitive, e.g. ^run|fail'}
              autoFocus
            />
          )}
          {kind === 'set' && (
            <FormGroup aria-label="Values">
              {distinct.map((v) => (
                <FormControlLabel
                  key={v}
                  label={v === '' ? '(empty)' : v}
                  control={
                    <Checkbox
                      size="small"
                      checked={values.includes(v)}
                      onChange={(_e, on) => setValues(on ? [...values, v] : values.filter((x) => x !== v))}
                    />
                  }
                />
              ))}
            </FormGroup>
          )}
          {kind === 'range' && (
            <Stack direction="row" spacing={2}>
              <TextField
                label="At least"
                value={min}
                onChange={(e) => setMin(e.target.value)}
                error={low === 'invalid'}
                helperText={low === 'invalid' ? 'Not a number' : ' '}
                inputMode="decimal"
              />
              <TextField
                label="At most"
                value={max}
                onChange={(e) => setMax(e.target.value)}
                error={high === 'invalid'}
                helperText={high === 'invalid' ? 'Not a number' : ' '}
                inputMode="decimal"
              />
            </Stack>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        {initial && (
          <Button
            color="warning"
            onClick={() => {
              dispatch(columnFilterSet({ column: initial.column, filter: null }));
              onClose();
            }}
          >
            Remove
          </Button>
        )}
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="contained"
          disabled={!filter}
          onClick={() => {
            if (initial && initial.column !== column)
              dispatch(columnFilterSet({ column: initial.column, filter: null }));
            dispatch(columnFilterSet({ column, filter }));
            onClose();
          }}
        >
          Apply
        </Button>
      </DialogActions>
    </Dialog>
  );
}
