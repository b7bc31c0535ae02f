import { Alert, AlertTitle, Box } from '@mui/material';
import { isolateBidi } from './isolateBidi';

/** Names shown in a notice; the rest are counted. */
const SHOWN_NAMES = 300;

/**
 * What a limit of the board left out, named: "listed, not drawn". The names come in one text node in a
 * small scrolling box, so even a long list costs the page one paragraph.
 */
export function LeftOutNotice({
  title,
  hint,
  names,
  total,
  testId,
}: {
  title: string;
  hint: string;
  names: readonly string[];
  /** How many were left out (may exceed `names`). */
  total: number;
  testId?: string;
}) {
  if (total === 0) return null;
  const shown = names.slice(0, SHOWN_NAMES).map(isolateBidi).join(', ');
  const rest = total - Math.min(names.length, SHOWN_NAMES);
  return (
    <Alert severity="warning" sx={{ mb: 2 }} data-testid={testId}>
      <AlertTitle>{title}</AlertTitle>
      {hint}
      {names.length > 0 && (
        <Box
          component="p"
          sx={{ mt: 1, mb: 0, maxHeight: 96, overflow: 'auto', fontFamily: 'monospace', fontSize: 12 }}
          aria-label="Left out"
        >
          {shown}
          {rest > 0 ? ` … and ${rest.toLocaleString('en-US')} more` : ''}
        </Box>
      )}
    </Alert>
  );
}
