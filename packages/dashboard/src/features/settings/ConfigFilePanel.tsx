import { useState } from 'react';
import { Alert, Box, Button, FormControlLabel, Paper, Stack, Switch, Typography } from '@mui/material';
import DownloadIcon from '@mui/icons-material/Download';
import { describeRestError } from '../../connection/rest/api';
import type { StoreTarget } from '../../connection/rest/storedFiles';
import { useGridSearchFileQuery } from '../../connection/rest/storedFiles';
import { saveText } from '../../shared/saveFile';

/** One grid-search level YAML file (`grid_search_config.yml`, `run_config.yml`): view, hide, download. */
export function ConfigFilePanel({ target, name, title }: { target: StoreTarget; name: string; title: string }) {
  const { data, error, isFetching } = useGridSearchFileQuery({ ...target, name });
  const [shown, setShown] = useState(true);
  const file = `${name}.yml`;
  return (
    <Paper sx={{ p: 2, flex: 1, minWidth: 320 }} data-testid={`config-file-${name}`}>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="h6" component="h2" sx={{ flex: 1 }}>
          {title}
        </Typography>
        <FormControlLabel
          control={<Switch checked={shown} onChange={(e) => setShown(e.target.checked)} disabled={!data} />}
          label="View"
        />
        <Button
          size="small"
          startIcon={<DownloadIcon />}
          disabled={data === undefined}
          onClick={() => data !== undefined && saveText(data, file, 'application/yaml')}
        >
          {file}
        </Button>
      </Stack>
      {error ? (
        <Alert severity="warning">
          {file} of {target.gs} could not be read: {describeRestError(error)}.
        </Alert>
      ) : data === undefined ? (
        <Typography color="text.secondary">{isFetching ? 'Loading…' : ''}</Typography>
      ) : (
        shown && (
          <Box
            component="pre"
            aria-label={file}
            sx={{ m: 0, p: 1.5, bgcolor: 'grey.100', borderRadius: 1, overflow: 'auto', maxHeight: 480, fontSize: 12 }}
          >
            {data}
          </Box>
        )
      )}
    </Paper>
  );
}
