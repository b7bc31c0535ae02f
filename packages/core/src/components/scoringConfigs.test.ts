import { describe, expect, it } from 'vitest';
import { MlgymError, formatIssue } from '@mlgym/protocol';
import { YamlSource } from '../config/yamlSource.js';
import { ComponentGraph } from '../registry/componentGraph.js';
import { createDefaultRegistry } from './createDefaultRegistry.js';

const registries = `loss_function_registry: {component_type_key: LOSS_FUNCTION_REGISTRY, variant_key: DEFAULT}
metric_registry: {component_type_key: METRIC_REGISTRY, variant_key: DEFAULT}
prediction_postprocessing_registry: {component_type_key: PREDICTION_POSTPROCESSING_REGISTRY, variant_key: DEFAULT}
`;

/** The issues of validating `yaml` (a gs config) as planning does, located in the file gs.yml. */
function issues(yaml: string): string[] {
  const source = YamlSource.parse(registries + yaml, 'gs.yml');
  try {
    ComponentGraph.fromConfig(source.data as Record<string, unknown>, createDefaultRegistry(), { source });
  } catch (e) {
    // These configs leave out the data loaders: their missing requirement is not what is tested here.
    if (e instanceof MlgymError) return e.issues.filter((i) => !/"data_loaders"/.test(i.problem)).map(formatIssue);
    throw e;
  }
  return [];
}

const evalComponent = (config: string, variant = 'DEFAULT') => `eval_component:
  component_type_key: EVAL_COMPONENT
  variant_key: ${variant}
  requirements:
    - {name: loss_function_registry, component_name: loss_function_registry}
    - {name: metric_registry, component_name: metric_registry}
    - {name: prediction_postprocessing_registry, component_name: prediction_postprocessing_registry}
  config:
${config}`;

describe('loss, metric and post-processor specs in a gs config', () => {
  it('accept every parameter the original passes on', () => {
    expect(
      issues(
        evalComponent(`    metrics_config:
      - {key: F1_SCORE, tag: f1, params: {average: weighted, zero_division: 1, labels: [0, 1]}}
      - {key: AUROC, tag: auroc, params: {multi_class: ovo, average: weighted}}
      - {key: AUPR, tag: aupr, params: {average: micro, pos_label: 1}}
      - {key: BALANCED_ACCURACY, tag: bacc, params: {adjusted: true}}
      - {key: AREA_UNDER_RECALL_AT_K, tag: aurak, class_label: 1, k_vals: [1, 5], sort_descending: true, normalize: true}
      - {key: BINARY_CLASSWISE_EXPECTED_CALIBRATION_ERROR, tag: cece, target_subscription_key: t, prediction_subscription_key_0: p0, prediction_subscription_key_1: p1, num_bins: 10, class_labels: [0, 1]}
    loss_funs_config:
      - {key: LPLoss, tag: lp, root: 2, exponent: 2, average_batch_loss: false, class_selection_fun_params: {target_subscription_key: t, selected_class: 1}}
      - {key: BCEWithLogitsLoss, tag: bce, average_batch_loss: false, flatten_predictions: true}
    post_processors_config:
      - {key: SIGMOIDAL, params: {prediction_subscription_key: a, prediction_publication_key: b, threshold: 0.5}}
      - {key: BINARIZATION, prediction_subscription_key: b, prediction_publication_key: c, threshold: 0.3}
      - {key: DUMMY, params: {}}
`),
      ),
    ).toEqual([]);
  });

  it('refuse what they cannot honour with the line and column of the key', () => {
    const found = issues(
      evalComponent(`    metrics_config:
      - {key: AUROC, tag: auroc, params: {sample_weight: [1, 2]}}
      - {key: F1_SCORE, tag: f1, params: {averag: macro}}
      - {key: PRECISION, tag: p, params: {zero_division: 2}}
    loss_funs_config:
      - {key: CrossEntropyLoss, tag: ce, average_batch_loss: false}
    post_processors_config:
      - {key: ARG_MAX, params: {prediction_subscription_key: a}, prediction_publication_key: b}
`),
    );
    const at = (line: number, rest: RegExp) =>
      expect(
        found.some((l) => new RegExp(`gs\\.yml:${line}:\\d+: ${rest.source}`).test(l)),
        `${rest} at line ${line} in\n${found.join('\n')}`,
      ).toBe(true);
    at(13, /eval_component\.config\.metrics_config\[0\]\.params\.sample_weight: sample_weight is not supported/);
    at(14, /eval_component\.config\.metrics_config\[1\]\.params\.averag: unknown key "averag".*Did you mean "average"/);
    at(15, /eval_component\.config\.metrics_config\[2\]\.params\.zero_division/);
    at(17, /eval_component\.config\.loss_funs_config\[0\]\.average_batch_loss: CrossEntropyLoss always averages/);
    at(
      19,
      /eval_component\.config\.post_processors_config\[0\]\.prediction_publication_key: write prediction_publication_key inside params/,
    );
  });

  it('refuse an unknown key with the nearest one, and two losses with one tag', () => {
    expect(issues(evalComponent('    metrics_config: [{key: AUROCC, tag: auroc}]\n')).join('\n')).toMatch(
      /gs\.yml:12:28: eval_component\.config\.metrics_config\[0\]\.key: .*Did you mean "AUROC"/,
    );
    const twice = '    loss_funs_config:\n      - {key: NLLLoss, tag: l}\n      - {key: CrossEntropyLoss, tag: l}\n';
    expect(issues(evalComponent(twice)).join('\n')).toMatch(
      /gs\.yml:14:38: eval_component\.config\.loss_funs_config\[1\]\.tag: a second loss tagged "l"/,
    );
  });

  it("accept the original's ACCELERATE variants, which run as the default ones and say so", () => {
    const registry = createDefaultRegistry();
    for (const type of ['TRAIN_COMPONENT', 'TRAINER', 'EVAL_COMPONENT', 'EVALUATOR']) {
      const found = registry.lookup(type, 'ACCELERATE');
      expect('definition' in found && found.definition.notice).toMatch(
        /no data-parallel training.*one experiment per device/,
      );
    }
    // ACCELERATE's eval component takes the keys of the default one minus show_progress, as the original.
    expect(issues(evalComponent('    show_progress: true\n', 'ACCELERATE')).join('\n')).toMatch(
      /gs\.yml:\d+:\d+: eval_component\.config\.show_progress: unknown key/,
    );
    expect(issues(evalComponent('    metrics_config: [{key: ACCURACY, tag: acc}]\n', 'ACCELERATE'))).toEqual([]);
  });
});
