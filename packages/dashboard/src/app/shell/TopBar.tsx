import { AppBar, Box, Chip, IconButton, Toolbar, Tooltip, Typography } from '@mui/material';
import MenuIcon from '@mui/icons-material/Menu';
import SwapIcon from '@mui/icons-material/SwapHoriz';
import { useSearchParams } from 'react-router-dom';
import { selectExperimentNamer, selectGridSearchNames } from '../../analysis/experiments/gridSearchSelectors';
import { useAppSelector } from '../../store/hooks';
import type { ConnectionStatus } from '../../connection/connectionSlice';
import { DownloadReportButton } from './DownloadReportButton';
import { WhoamiChip } from './WhoamiChip';
import { Logo } from './Logo';

const STATUS_COLOR: Record<ConnectionStatus, 'default' | 'success' | 'warning' | 'error'> = {
  idle: 'default',
  connecting: 'warning',
  connected: 'success',
  reconnecting: 'error',
};

/** Hamburger, page title (with the experiment id where there is one), grid search, logo. */
export function TopBar({
  title,
  onMenu,
  onConnection,
}: {
  title: string;
  onMenu: () => void;
  onConnection: () => void;
}) {
  const [params] = useSearchParams();
  const status = useAppSelector((s) => s.connection.status);
  const gridSearchId = useAppSelector((s) => s.settings.current.gridSearchId);
  const report = useAppSelector((s) => s.settings.report !== null);
  const raw = params.get('experiment_id');
  // with several grid searches on the page, an experiment's key names its grid search too
  const several = useAppSelector((s) => selectGridSearchNames(s).length > 1);
  const name = useAppSelector(selectExperimentNamer);
  const experiment = raw !== null && several && /^\d+$/.test(raw) ? name(Number(raw)) : raw;
  const fullTitle =
    experiment === null
      ? title
      : title === 'Experiment'
        ? `${title}: ${experiment}`
        : `${title} - Experiment: ${experiment}`;
  return (
    <AppBar position="fixed" color="inherit" elevation={2}>
      <Toolbar>
        <IconButton edge="start" aria-label="Open menu" onClick={onMenu} sx={{ border: 1, borderColor: 'divider' }}>
          <MenuIcon />
        </IconButton>
        <Box sx={{ flex: 1, display: 'flex', alignItems: 'center', gap: 2, ml: 2, minWidth: 0 }}>
          {/* in a narrow window the title keeps its room and the grid search's chip shrinks to an ellipsis */}
          <Typography variant="h6" component="h1" sx={{ fontWeight: 700, flexShrink: 0, maxWidth: '60%' }} noWrap>
            {fullTitle}
          </Typography>
          {gridSearchId && report && (
            <Chip size="small" variant="outlined" label={`${gridSearchId} · report`} sx={{ minWidth: 0 }} />
          )}
          {gridSearchId && !report && (
            <Tooltip title="Connection: change the grid search or endpoints">
              <Chip
                size="small"
                variant="outlined"
                color={STATUS_COLOR[status]}
                label={`${gridSearchId} · ${status}`}
                onClick={onConnection}
                icon={<SwapIcon />}
                aria-label={`Grid search ${gridSearchId}, ${status}`}
                sx={{ minWidth: 0 }}
              />
            </Tooltip>
          )}
          {!report && <WhoamiChip />}
        </Box>
        <DownloadReportButton />
        <Box sx={{ flexShrink: 0, ml: 1, display: 'flex' }}>
          <Logo height={44} />
        </Box>
      </Toolbar>
    </AppBar>
  );
}
