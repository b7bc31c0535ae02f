import { isolateBidi } from '../../shared/isolateBidi';
import { Box, Button, Chip, Stack, Tooltip } from '@mui/material';
import CopyIcon from '@mui/icons-material/ContentCopy';
import DownloadIcon from '@mui/icons-material/Download';
import { stringify } from 'yaml';
import { copyText, saveText } from '../../shared/saveFile';

function isBranch(v: unknown): v is Record<string, unknown> | unknown[] {
  return v !== null && typeof v === 'object';
}

function leafText(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? 'null');
}

function Node({
  name,
  value,
  path,
  swept,
  depth,
}: {
  name: string;
  value: unknown;
  path: string;
  swept: ReadonlySet<string>;
  depth: number;
}) {
  if (!isBranch(value)) {
    const marked = swept.has(path);
    return (
      <Box
        component="li"
        data-path={path}
        data-swept={marked || undefined}
        sx={{ listStyle: 'none', py: 0.25, bgcolor: marked ? 'rgba(255, 193, 7, 0.18)' : undefined }}
      >
        <Box component="span" sx={{ color: 'text.secondary' }}>
          {isolateBidi(name)}:
        </Box>{' '}
        <Box component="span" sx={{ fontFamily: 'monospace' }}>
          {isolateBidi(leafText(value))}
        </Box>
        {marked && <Chip size="small" color="warning" label="swept" sx={{ ml: 1, height: 18 }} />}
      </Box>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const sweptInside = [...swept].some((p) => p.startsWith(`${path}.`));
  return (
    <Box component="li" sx={{ listStyle: 'none' }}>
      <details open={sweptInside}>
        <summary style={{ cursor: 'pointer' }}>
          <b>{isolateBidi(name)}</b>{' '}
          <Box component="span" sx={{ color: 'text.secondary', fontSize: 12 }}>
            {Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`}
          </Box>
          {sweptInside && (
            <Chip size="small" variant="outlined" color="warning" label="swept inside" sx={{ ml: 1, height: 18 }} />
          )}
        </summary>
        <Box component="ul" sx={{ pl: 2.5, my: 0 }}>
          {entries.map(([k, v]) => (
            <Node key={k} name={k} value={v} path={`${path}.${k}`} swept={swept} depth={depth + 1} />
          ))}
        </Box>
      </details>
    </Box>
  );
}

/**
 * A config as a foldable tree (native details elements: keyboard accessible, printable), the
 * swept leaves highlighted; copy and download as JSON or YAML.
 */
export function ConfigTree({
  config,
  swept,
  fileStem,
}: {
  config: Record<string, unknown>;
  /** Dotted paths of the swept leaves. */
  swept: ReadonlySet<string>;
  fileStem: string;
}) {
  const json = JSON.stringify(config, null, 2);
  return (
    <Box>
      <Stack direction="row" spacing={1} sx={{ mb: 1, flexWrap: 'wrap' }} data-export="omit">
        <Tooltip title="Copy the configuration as JSON">
          <Button size="small" startIcon={<CopyIcon />} onClick={() => void copyText(json)}>
            Copy
          </Button>
        </Tooltip>
        <Button
          size="small"
          startIcon={<DownloadIcon />}
          onClick={() => saveText(json, `${fileStem}.json`, 'application/json')}
        >
          JSON
        </Button>
        <Button
          size="small"
          startIcon={<DownloadIcon />}
          onClick={() => saveText(stringify(config), `${fileStem}.yml`, 'application/yaml')}
        >
          YAML
        </Button>
      </Stack>
      <Box component="ul" sx={{ pl: 0, my: 0, fontSize: 14 }} aria-label="Configuration">
        {Object.entries(config).map(([k, v]) => (
          <Node key={k} name={k} value={v} path={k} swept={swept} depth={0} />
        ))}
      </Box>
    </Box>
  );
}
