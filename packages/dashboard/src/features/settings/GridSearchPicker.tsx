import { useDeferredValue, useMemo, useState } from 'react';
import { Alert, Box, ListItemButton, ListItemText, TextField, Typography } from '@mui/material';
import { List } from 'react-window';
import type { RowComponentProps } from 'react-window';
import { describeRestError, useGridSearchesQuery } from '../../connection/rest/api';
import type { GridSearchEntry } from '../../connection/rest/api';
import { isolateBidi } from '../../shared/isolateBidi';
import { endpointProblem, normalizeUrl } from '../../connection/settings/settingsStorage';

const ROW_HEIGHT = 56;
const LIST_HEIGHT = 220;
/** A filter field from this many entries on. */
const FILTER_FROM = 8;
/**
 * Entries listed at most (the filter narrows them): a browser cannot scroll an element much taller
 * than 33 million pixels, so a million rows could not all be reached by scrolling anyway.
 */
const MAX_LISTED = 100_000;

interface RowProps {
  entries: readonly GridSearchEntry[];
  selected: string;
  onPick: (gridSearchId: string) => void;
}

function Row({ index, style, ariaAttributes, entries, selected, onPick }: RowComponentProps<RowProps>) {
  const g = entries[index];
  if (!g) return null;
  const when = new Date(g.modified);
  return (
    <div style={style} {...ariaAttributes}>
      <ListItemButton
        dense
        selected={g.grid_search_id === selected}
        onClick={() => onPick(g.grid_search_id)}
        sx={{ height: ROW_HEIGHT }}
      >
        <ListItemText
          primary={isolateBidi(g.grid_search_id)}
          secondary={`${g.experiments} experiment${g.experiments === 1 ? '' : 's'} · ${Number.isNaN(when.getTime()) ? g.modified : when.toLocaleString()}`}
          slotProps={{ primary: { noWrap: true }, secondary: { noWrap: true } }}
        />
      </ListItemButton>
    </div>
  );
}

/**
 * Lists what a REST endpoint stores (newest first) so no grid-search id is typed by hand. The list is
 * virtualised (only the rows in view exist), so an endpoint listing a million grid searches costs the
 * page a few rows, and a filter finds one among them.
 */
export function GridSearchPicker({
  restApiUrl,
  selected,
  onPick,
}: {
  restApiUrl: string;
  selected: string;
  onPick: (gridSearchId: string) => void;
}) {
  const url = normalizeUrl(restApiUrl);
  const valid = url !== '' && endpointProblem(url) === null;
  const { data, error, isFetching } = useGridSearchesQuery(url, { skip: !valid });
  const [filter, setFilter] = useState('');
  const deferred = useDeferredValue(filter.trim().toLowerCase());
  const matching = useMemo(() => {
    if (!data) return [];
    return deferred ? data.filter((g) => g.grid_search_id.toLowerCase().includes(deferred)) : data;
  }, [data, deferred]);
  const listed = matching.length > MAX_LISTED ? matching.slice(0, MAX_LISTED) : matching;
  const rowProps = useMemo(() => ({ entries: listed, selected, onPick }), [listed, selected, onPick]);
  if (!valid) return null;
  if (error) {
    return (
      <Alert severity="warning" sx={{ mt: 1 }}>
        Cannot list grid searches at {url}: {describeRestError(error)}.
      </Alert>
    );
  }
  if (!data) return <Typography variant="body2">{isFetching ? 'Loading grid searches…' : ''}</Typography>;
  if (data.length === 0) return <Typography variant="body2">No grid searches stored at {url} yet.</Typography>;
  return (
    <Box sx={{ mt: 1 }}>
      {data.length >= FILTER_FROM && (
        <TextField
          size="small"
          fullWidth
          label="Find a grid search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          helperText={`${matching.length.toLocaleString('en-US')} of ${data.length.toLocaleString('en-US')} grid searches${matching.length > MAX_LISTED ? `; the first ${MAX_LISTED.toLocaleString('en-US')} are listed` : ''}`}
          sx={{ mb: 1 }}
        />
      )}
      <Box sx={{ border: 1, borderColor: 'divider', borderRadius: 1 }}>
        <List
          aria-label="Grid searches"
          role="list"
          rowComponent={Row}
          rowCount={listed.length}
          rowHeight={ROW_HEIGHT}
          rowProps={rowProps}
          style={{ height: Math.min(LIST_HEIGHT, Math.max(listed.length, 1) * ROW_HEIGHT) }}
        />
      </Box>
    </Box>
  );
}
