import { useEffect, useState } from 'react';
import {
  Alert,
  Button,
  CircularProgress,
  FormControl,
  InputLabel,
  MenuItem,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import DownloadIcon from '@mui/icons-material/Download';
import { describeRestError } from '../../connection/rest/api';
import type { ExperimentTarget } from '../../connection/rest/storedFiles';
import { checkpointUrl, useCheckpointFileInfoQuery, useCheckpointListQuery } from '../../connection/rest/storedFiles';
import { authorizationFor } from '../../connection/auth/tokenStorage';
import { saveBlob, sha256Hex } from '../../shared/saveFile';
import { formatBytes } from '../../shared/timeFormat';

const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

type Download =
  { state: 'running' } | { state: 'done'; sha256: string | null; size: number } | { state: 'failed'; error: string };

function FileRow({ target, epoch, file }: { target: ExperimentTarget; epoch: number; file: string }) {
  const { data: info, error } = useCheckpointFileInfoQuery({ ...target, epoch, file });
  const [download, setDownload] = useState<Download | null>(null);
  const run = async () => {
    setDownload({ state: 'running' });
    try {
      const url = checkpointUrl(target, epoch, file);
      // the token entered for the REST endpoint's origin, as on every other request to it
      const authorization = authorizationFor(typeof sessionStorage === 'undefined' ? undefined : sessionStorage, url);
      const response = await fetch(url, {
        signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
        headers: authorization ? { authorization } : {},
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      // The exact bytes: an ArrayBuffer, never text.
      const bytes = await response.arrayBuffer();
      const sha256 = await sha256Hex(bytes);
      const expected = info?.sha256 ?? response.headers.get('x-checksum-sha256');
      if (sha256 && expected && sha256 !== expected)
        throw new Error(`sha256 ${sha256} differs from the stored ${expected}`);
      saveBlob(new Blob([bytes], { type: 'application/octet-stream' }), file);
      setDownload({ state: 'done', sha256, size: bytes.byteLength });
    } catch (e) {
      setDownload({ state: 'failed', error: (e as Error).message });
    }
  };
  const sha = download?.state === 'done' && download.sha256 ? download.sha256 : info?.sha256;
  return (
    <TableRow data-file={file}>
      <TableCell sx={{ fontFamily: 'monospace' }}>{file}</TableCell>
      <TableCell align="right" data-field="size" title={info?.size != null ? `${info.size} bytes` : undefined}>
        {error ? '?' : formatBytes(info?.size ?? (download?.state === 'done' ? download.size : null))}
      </TableCell>
      <TableCell sx={{ fontFamily: 'monospace', fontSize: 12, wordBreak: 'break-all' }} data-field="sha256">
        {sha ?? '—'}
        {download?.state === 'done' && (
          <Typography component="span" variant="caption" color="success.main" sx={{ ml: 1 }}>
            {download.sha256 ? 'verified after download' : 'downloaded'}
          </Typography>
        )}
        {download?.state === 'failed' && (
          <Typography component="span" variant="caption" color="error" sx={{ ml: 1 }} role="alert">
            download failed: {download.error}
          </Typography>
        )}
      </TableCell>
      <TableCell align="right">
        <Button
          size="small"
          startIcon={download?.state === 'running' ? <CircularProgress size={14} /> : <DownloadIcon />}
          disabled={download?.state === 'running'}
          onClick={() => void run()}
          aria-label={`Download ${file} of epoch ${epoch}`}
        >
          Download
        </Button>
      </TableCell>
    </TableRow>
  );
}

/** Every stored epoch of an experiment; its files with size and sha256, downloaded byte for byte. */
export function CheckpointsPanel({ target, live }: { target: ExperimentTarget; live: boolean }) {
  const { data, error, isLoading } = useCheckpointListQuery(target, { pollingInterval: live ? 10_000 : 0 });
  const [epoch, setEpoch] = useState<number | null>(null);
  useEffect(() => {
    if (data?.length && (epoch === null || !data.some((d) => d.epoch === epoch))) setEpoch(data[0]?.epoch ?? null);
  }, [data, epoch]);
  if (isLoading) return <Typography color="text.secondary">Loading checkpoints…</Typography>;
  if (error) return <Alert severity="warning">No checkpoints listed: {describeRestError(error)}.</Alert>;
  if (!data?.length) return <Typography color="text.secondary">No checkpoints stored for this experiment.</Typography>;
  const entry = data.find((d) => d.epoch === epoch) ?? data[0];
  return (
    <>
      <FormControl size="small" sx={{ minWidth: 200, mb: 1 }}>
        <InputLabel id="checkpoint-epoch-label">Checkpoint epoch</InputLabel>
        <Select
          labelId="checkpoint-epoch-label"
          label="Checkpoint epoch"
          value={entry?.epoch ?? ''}
          onChange={(e) => setEpoch(Number(e.target.value))}
        >
          {data.map((d) => (
            <MenuItem key={d.epoch} value={d.epoch}>
              epoch {d.epoch} ({d.checkpoints.length} file{d.checkpoints.length === 1 ? '' : 's'})
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        {data.length} stored epoch{data.length === 1 ? '' : 's'}: {data.map((d) => d.epoch).join(', ')}
      </Typography>
      {entry && (
        <Table size="small" aria-label={`Checkpoint files of epoch ${entry.epoch}`}>
          <TableHead>
            <TableRow>
              <TableCell>File</TableCell>
              <TableCell align="right">Size</TableCell>
              <TableCell>sha256</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {entry.checkpoints.map((file) => (
              <FileRow key={`${entry.epoch}/${file}`} target={target} epoch={entry.epoch} file={file} />
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
