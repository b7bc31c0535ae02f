import { Stack, TextField } from '@mui/material';
import type { Settings } from '../../connection/settings/settingsStorage';
import { endpointProblem, normalizeUrl } from '../../connection/settings/settingsStorage';

/** The three connection fields, with the original's labels and helper texts; a URL that is no endpoint is refused. */
export function SettingsFields({ value, onChange }: { value: Settings; onChange: (next: Settings) => void }) {
  const wsProblem = endpointProblem(normalizeUrl(value.socketConnectionUrl));
  const restProblem = endpointProblem(normalizeUrl(value.restApiUrl));
  return (
    <Stack spacing={2}>
      <TextField
        label="Grid Search-id"
        placeholder="Enter grid search id here!..."
        helperText="eg: 2022-11-06--17-59-10"
        value={value.gridSearchId}
        onChange={(e) => onChange({ ...value, gridSearchId: e.target.value })}
        fullWidth
      />
      <TextField
        label="Socket Connection Url"
        placeholder="Enter socket connection url here!..."
        helperText={wsProblem ? `Refused: ${wsProblem}` : 'eg: http://127.0.0.1:5002'}
        error={wsProblem !== null}
        value={value.socketConnectionUrl}
        onChange={(e) => onChange({ ...value, socketConnectionUrl: e.target.value })}
        fullWidth
      />
      <TextField
        label="Rest API Url"
        placeholder="Enter rest api url here!..."
        helperText={restProblem ? `Refused: ${restProblem}` : 'eg: http://127.0.0.1:5001'}
        error={restProblem !== null}
        value={value.restApiUrl}
        onChange={(e) => onChange({ ...value, restApiUrl: e.target.value })}
        fullWidth
      />
    </Stack>
  );
}
