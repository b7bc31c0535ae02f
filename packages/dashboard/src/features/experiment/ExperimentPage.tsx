import { useMemo } from 'react';
import type { ReactNode } from 'react';
import { Accordion, AccordionDetails, AccordionSummary, Alert, Box, Button, Stack, Typography } from '@mui/material';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import ModelCardIcon from '@mui/icons-material/Article';
import { Link as RouterLink, useSearchParams } from 'react-router-dom';
import { describeRestError } from '../../connection/rest/api';
import { useAppSelector } from '../../store/hooks';
import {
  useExperimentJsonQuery,
  useExperimentTarget,
  useStoreTarget,
  useSystemInfoQuery,
} from '../../connection/rest/storedFiles';
import type { ExperimentRow } from '../../connection/events/dataUpdate';
import {
  batchProgress,
  displayStatus,
  durationSeconds,
  epochProgress,
} from '../../analysis/experiments/experimentView';
import { selectExperimentById, selectHyperParameters } from '../../analysis/experiments/experimentSelectors';
import { CheckpointsPanel } from './CheckpointsPanel';
import { ConfigTree } from './ConfigTree';
import { EnvironmentPanel } from './EnvironmentPanel';
import { ExperimentCharts } from './ExperimentCharts';
import { AnnotationPanel } from '../../analysis/annotations/AnnotationPanel';
import { SystemCharts } from '../../analysis/system/SystemCharts';
import { KeyValueList } from './KeyValueList';
import { ProgressGauge } from './ProgressGauge';
import { deviceText } from './environment';
import { formatDuration, formatLocalTime, localTimeZone } from '../../shared/timeFormat';

export function Section({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <Accordion defaultExpanded disableGutters sx={{ mb: 1.5 }} slotProps={{ transition: { unmountOnExit: false } }}>
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
          <Typography variant="h6" component="h2">
            {title}
          </Typography>
          {action}
        </Stack>
      </AccordionSummary>
      <AccordionDetails>{children}</AccordionDetails>
    </Accordion>
  );
}

/** The experiment id of `?experiment_id=N`, or null when absent or not an integer ≥ 0. */
export function useExperimentId(): number | null {
  const [params] = useSearchParams();
  const raw = params.get('experiment_id');
  if (raw === null || !/^\d+$/.test(raw.trim())) return null;
  return Number(raw);
}

function progressDetail(current: number | undefined, total: number | undefined, done: boolean, base: 0 | 1): string {
  if (total === undefined) return '--';
  if (done) return `${total} / ${total}`;
  return current === undefined ? `-- / ${total}` : `${current + base} / ${total}`;
}

function Details({ id, row, system }: { id: number; row: ExperimentRow; system: Record<string, unknown> | undefined }) {
  const status = displayStatus(row);
  const done = row.job_status === 'DONE' && !row.error;
  return (
    <>
      <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap' }}>
        <KeyValueList
          title="Overview"
          testId="overview"
          items={[
            ['Experiment ID', id],
            ['Job ID', row.job_id ?? '--'],
            ['Job Type', row.job_type ?? '--'],
            ['Device', deviceText(system)],
          ]}
        />
        <KeyValueList
          title={`Times (${localTimeZone()})`}
          testId="times"
          items={[
            ['Start', formatLocalTime(row.starting_time)],
            ['End', formatLocalTime(row.finishing_time)],
            ['Duration', formatDuration(durationSeconds(row))],
          ]}
        />
        <KeyValueList
          title="State"
          testId="state"
          items={[
            ['Job Status', status],
            ['Model Status', row.model_status ?? '--'],
            ['Split', row.current_split ?? '--'],
          ]}
        />
      </Stack>
      {row.error && (
        <Alert severity="error" sx={{ mt: 2 }} data-testid="experiment-error">
          <Typography sx={{ fontWeight: 700 }}>{row.error}</Typography>
          {row.stacktrace && (
            <details>
              <summary style={{ cursor: 'pointer' }}>Stack trace</summary>
              <Box component="pre" sx={{ whiteSpace: 'pre-wrap', fontSize: 12, m: 0, mt: 1 }}>
                {row.stacktrace}
              </Box>
            </details>
          )}
        </Alert>
      )}
      <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap', mt: 2 }} data-testid="progress">
        <ProgressGauge
          title="Epochs"
          detail={progressDetail(row.current_epoch, row.num_epochs, done, 1)}
          share={epochProgress(row)}
          failed={!!row.error}
        />
        <ProgressGauge
          title="Batches"
          detail={progressDetail(row.current_batch, row.num_batches, done, row.model_status === 'train' ? 1 : 0)}
          share={batchProgress(row)}
          failed={!!row.error}
        />
      </Stack>
    </>
  );
}

// a click on a system chart's line would open the page it is on
const stay = () => undefined;

/** `/experiment?experiment_id=N`: status, progress, checkpoints, configuration, environment, charts. */
export function ExperimentPage() {
  const id = useExperimentId();
  const target = useStoreTarget();
  const row = useAppSelector((s) => (id === null ? undefined : selectExperimentById(s, id)));
  const eventConfig = useAppSelector((s) => (id === null ? undefined : s.experiments.configs[id]));
  const hyper = useAppSelector(selectHyperParameters);
  // a report opened from a file holds no checkpoints and no model cards
  const report = useAppSelector((s) => s.settings.report !== null);
  const ids = useMemo(() => (id === null ? [] : [id]), [id]);
  const running = !!row && row.job_status !== 'DONE' && !row.error;
  const skip = id === null || !target;
  // with several grid searches on the page, the key names the grid search too
  const exp = useExperimentTarget(id) ?? { rest: target?.rest ?? '', gs: target?.gs ?? '', exp: id ?? 0 };
  // Polled until the experiment exists and while it runs: its files appear as it trains.
  const poll = { skip, pollingInterval: !row || running ? 10_000 : 0 };
  const stored = useExperimentJsonQuery({ ...exp, name: 'experiment_config' }, poll);
  const system = useSystemInfoQuery(exp, poll);
  if (id === null) return <Alert severity="error">No experiment chosen: open this page with ?experiment_id=N.</Alert>;
  if (!target) return <Alert severity="info">Not connected: choose a grid search first.</Alert>;
  const config = stored.data ?? eventConfig;
  const swept = new Set(hyper.columns.map((c) => c.path));
  return (
    <Box data-testid="experiment-page">
      {!row && (
        <Alert severity="info" sx={{ mb: 2 }} data-testid="experiment-missing">
          Experiment {id} has no events in grid search {target.gs} yet. This page fills in when they arrive.
        </Alert>
      )}
      {row && (
        <Section
          title="Details"
          action={
            report ? undefined : (
              <Button
                component={RouterLink}
                to={`/modelcard?experiment_id=${id}`}
                variant="contained"
                size="small"
                startIcon={<ModelCardIcon />}
                onClick={(e) => e.stopPropagation()}
              >
                Model card
              </Button>
            )
          }
        >
          <Details id={id} row={row} system={system.data} />
        </Section>
      )}
      <Section title="Tags & note">
        <AnnotationPanel experimentId={id} />
      </Section>
      {!report && (
        <Section title="Checkpoints">
          <CheckpointsPanel target={exp} live={!row || running} />
        </Section>
      )}
      <Section title="Configuration">
        {config ? (
          <ConfigTree config={config} swept={swept} fileStem={`experiment_config_experiment_${id}`} />
        ) : stored.error ? (
          <Alert severity="info">No configuration stored yet: {describeRestError(stored.error)}.</Alert>
        ) : (
          <Typography color="text.secondary">Loading the configuration…</Typography>
        )}
      </Section>
      <Section title="Environment">
        <EnvironmentPanel info={system.data} error={system.error ? describeRestError(system.error) : null} />
      </Section>
      <Section title="Losses & Metrics">
        <ExperimentCharts experimentId={id} />
      </Section>
      <Section title="System">
        <SystemCharts ids={ids} onLineClick={stay} />
      </Section>
    </Box>
  );
}

export default ExperimentPage;
