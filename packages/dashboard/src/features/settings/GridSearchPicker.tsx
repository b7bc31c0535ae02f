import { Alert, List, ListItemButton, ListItemText, Typography } from '@mui/material';
import { describeRestError, useGridSearchesQuery } from '../../app/api';
import { normalizeUrl } from './settingsStorage';

/** Lists what a REST endpoint stores (newest first) so no grid-search id is typed by hand. */
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
  const valid = /^https?:\/\/[^/]+/.test(url);
  const { data, error, isFetching } = useGridSearchesQuery(url, { skip: !valid });
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
    <List
      dense
      aria-label="Grid searches"
      sx={{ maxHeight: 220, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 1, mt: 1 }}
    >
      {data.map((g) => (
        <ListItemButton
          key={g.grid_search_id}
          selected={g.grid_search_id === selected}
          onClick={() => onPick(g.grid_search_id)}
        >
          <ListItemText
            primary={g.grid_search_id}
            secondary={`${g.experiments} experiment${g.experiments === 1 ? '' : 's'} · ${new Date(g.modified).toLocaleString()}`}
          />
        </ListItemButton>
      ))}
    </List>
  );
}
