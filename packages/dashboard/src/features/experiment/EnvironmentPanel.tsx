import { Alert, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import { environmentItems } from './environment';

/** The training machine: backend, versions, threads, machine (from `system_info.json`). */
export function EnvironmentPanel({
  info,
  error,
}: {
  info: Record<string, unknown> | undefined;
  error?: string | null;
}) {
  if (error) return <Alert severity="info">No environment stored: {error}.</Alert>;
  if (!info) return <Typography color="text.secondary">Loading the environment…</Typography>;
  const items = environmentItems(info);
  const packages = Array.isArray(info['python-packages'])
    ? (info['python-packages'] as Array<Record<string, unknown>>)
    : [];
  return (
    <Table size="small" aria-label="Environment" data-testid="environment">
      <TableBody>
        {items.map(([k, v]) => (
          <TableRow key={k}>
            <TableCell component="th" scope="row" sx={{ width: 180, color: 'text.secondary' }}>
              {k}
            </TableCell>
            <TableCell
              data-field={k}
              sx={{
                fontFamily: k === 'Command' || k === 'Git commit' ? 'monospace' : undefined,
                wordBreak: 'break-all',
              }}
            >
              {v}
            </TableCell>
          </TableRow>
        ))}
        {packages.length > 0 && (
          <TableRow>
            <TableCell component="th" scope="row" sx={{ color: 'text.secondary' }}>
              Packages
            </TableCell>
            <TableCell>{packages.map((p) => `${String(p['name'])} ${String(p['version'])}`).join(', ')}</TableCell>
          </TableRow>
        )}
      </TableBody>
    </Table>
  );
}
