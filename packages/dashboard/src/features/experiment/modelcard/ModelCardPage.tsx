import { useRef } from 'react';
import { Alert, Box, Button, Stack, Typography } from '@mui/material';
import DownloadIcon from '@mui/icons-material/Download';
import { Link as RouterLink } from 'react-router-dom';
import { describeRestError } from '../../../connection/rest/api';
import { useAppSelector } from '../../../store/hooks';
import {
  useExperimentJsonQuery,
  useModelCardQuery,
  useExperimentTarget,
  useStoreTarget,
} from '../../../connection/rest/storedFiles';
import type { JsonObject } from '../../../connection/rest/storedFiles';
import { EnvironmentPanel } from '../EnvironmentPanel';
import { ExperimentCharts } from '../ExperimentCharts';
import { useExperimentId } from '../ExperimentPage';
import { formatLocalTime, localTimeZone } from '../../../shared/timeFormat';
import { seriesValue } from '../../../analysis/series/seriesValue';
import { CardSection, SimpleTable, text } from './ModelCardSections';
import { PipelineGraph } from './PipelineGraph';
import { downloadModelCard } from './exportModelCard';

const obj = (v: unknown): JsonObject => (v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const DETAIL_LABELS: Record<string, string> = {
  model_description: 'Description',
  model_version: 'Version',
  source_repo: 'Source repository',
  grid_search_id: 'Grid search',
  experiment_id: 'Experiment',
  train_date: 'Trained',
  train_params: 'Trainable parameters',
  total_params: 'Total parameters',
  latest_checkpoint_epoch: 'Latest checkpoint epoch',
  git_commit: 'Git commit',
};

/** ISO dates as local 24-hour times, like every date of the board. */
function detailText(key: string, v: unknown): string {
  if (key === 'train_date' && typeof v === 'string' && !Number.isNaN(Date.parse(v)))
    return `${formatLocalTime(Date.parse(v) / 1000)} (${localTimeZone()})`;
  return text(v);
}

function paramRows(group: string, params: unknown): Array<Array<string>> {
  return Object.entries(obj(params)).map(([k, v]) => [group, k, text(v)]);
}

/** `/modelcard?experiment_id=N`: the REST endpoint's model card, the pipeline graph, results; one-file HTML download. */
export function ModelCardPage() {
  const id = useExperimentId();
  const target = useStoreTarget();
  const skip = id === null || !target;
  // with several grid searches on the page, the key names the grid search too
  const exp = useExperimentTarget(id) ?? { rest: target?.rest ?? '', gs: target?.gs ?? '', exp: id ?? 0 };
  const card = useModelCardQuery(exp, { skip });
  const config = useExperimentJsonQuery({ ...exp, name: 'experiment_config' }, { skip });
  const summary = useExperimentJsonQuery({ ...exp, name: 'model_summary' }, { skip });
  const series = useAppSelector((s) => s.series);
  const root = useRef<HTMLDivElement>(null);
  if (id === null) return <Alert severity="error">No experiment chosen: open this page with ?experiment_id=N.</Alert>;
  if (!target) return <Alert severity="info">Not connected: choose a grid search first.</Alert>;
  if (card.error)
    return (
      <Alert severity="warning">
        No model card for experiment {id}: {describeRestError(card.error)}. It is made from the files the trainer stores
        (experiment_config.json, system_info.json, model_summary.json).
      </Alert>
    );
  if (!card.data) return <Typography color="text.secondary">Please wait, loading the model card…</Typography>;
  const details = obj(card.data['model_details']);
  const training = obj(card.data['training_details']);
  const evaluation = obj(card.data['eval_details']);
  const dataset = obj(card.data['dataset_details']);
  const environment = obj(card.data['experiment_environment']);
  const layers = list(summary.data?.['layers']).map(obj);
  const finals = series.keys
    .map((k) => series.byKey[k])
    .filter((s) => s?.byExperiment[id])
    .map((s) => [s!.key, text(seriesValue(s, id, 'final')), text(seriesValue(s, id, 'best'))]);
  return (
    <Box>
      <Stack direction="row" spacing={1} sx={{ mb: 2, justifyContent: 'flex-end' }}>
        <Button component={RouterLink} to={`/experiment?experiment_id=${id}`}>
          Experiment page
        </Button>
        <Button
          variant="contained"
          startIcon={<DownloadIcon />}
          onClick={() => root.current && downloadModelCard(root.current, id, target.gs)}
        >
          Download
        </Button>
      </Stack>
      <Box ref={root} data-model-card={id}>
        <Typography variant="h5" component="h1" sx={{ mb: 2, fontWeight: 700 }}>
          Model card: experiment {id} of {target.gs}
        </Typography>
        <CardSection title="Model Details" id="details">
          <SimpleTable
            label="Model details"
            head={['Field', 'Value']}
            rows={Object.entries(details).map(([k, v]) => [DETAIL_LABELS[k] ?? k, detailText(k, v)])}
            empty="Model Details Data Not Available"
          />
          {layers.length > 0 && (
            <SimpleTable
              label="Layers"
              head={['Layer', 'Class', 'Parameters']}
              rows={layers.map((l) => [text(l['name']), text(l['class']), text(l['params'])])}
              empty=""
            />
          )}
        </CardSection>
        <CardSection title="Training" id="training">
          <SimpleTable
            label="Training components"
            head={['Component', 'Name']}
            rows={[
              ['Loss function', text(training['loss_func'])],
              ['Optimizer', text(training['optimizer'])],
              ...(training['lr_scheduler'] ? [['LR scheduler', text(training['lr_scheduler'])]] : []),
            ]}
            empty="Training Data Not Available"
          />
          <SimpleTable
            label="Hyper-parameters"
            head={['Hyper-Param', 'Parameter', 'Value']}
            rows={Object.entries(obj(training['hyperparams'])).flatMap(([g, p]) => paramRows(g, p))}
            empty="Hyper-Parameters Data Not Available"
          />
        </CardSection>
        <CardSection title="Evaluation" id="evaluation">
          <SimpleTable
            label="Loss functions"
            head={['Loss Functions']}
            rows={list(evaluation['loss_funcs']).map((l) => [text(l)])}
            empty="Loss Functions Data Not Available"
          />
          <SimpleTable
            label="Metrics"
            head={['Metric', 'Parameter', 'Value']}
            rows={list(evaluation['metrics']).flatMap((m) => {
              const p = Object.entries(obj(obj(m)['params']));
              const name = text(obj(m)['name']);
              return p.length ? p.map(([k, v]) => [name, k, text(v)]) : [[name, '--', '--']];
            })}
            empty="Metrics Data Not Available"
          />
          <SimpleTable label="Scores" head={['Score', 'Final', 'Best']} rows={finals} empty="No scores reported yet." />
        </CardSection>
        <CardSection title="Dataset" id="dataset">
          <SimpleTable
            label="Dataset"
            head={['Field', 'Value']}
            rows={[
              ['Dataset', text(dataset['considered_dataset'])],
              ['Split subscription', text(obj(dataset['dataset_splits'])['split_subscription'])],
              ['Split percentages', text(obj(dataset['dataset_splits'])['splits_percentage'])],
              ['Label distribution', text(dataset['label_distribution'])],
            ]}
            empty=""
          />
        </CardSection>
        <CardSection title="Pipeline Graph" id="pipeline">
          {config.data ? (
            <PipelineGraph config={config.data} />
          ) : (
            <Typography color="text.secondary">
              {config.error ? `No configuration stored: ${describeRestError(config.error)}` : 'Loading…'}
            </Typography>
          )}
        </CardSection>
        <CardSection title="Results Visualizations" id="results">
          <ExperimentCharts experimentId={id} />
        </CardSection>
        <CardSection title="Environment" id="environment">
          {Object.keys(obj(environment['system_env'])).length ? (
            <EnvironmentPanel info={obj(environment['system_env'])} />
          ) : (
            <Typography color="text.secondary">The trainer stored no system_info.json for this experiment.</Typography>
          )}
        </CardSection>
      </Box>
    </Box>
  );
}

export default ModelCardPage;
