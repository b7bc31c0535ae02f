import { MlgymError, ModelInfoSchema, RESERVED_GS_KEYS } from '@mlgym/protocol';
import type { ModelInfo } from '@mlgym/protocol';
import { describeValue, isPlainObject } from '../util/describeValue.js';
import { YamlSource } from './yamlSource.js';
import { zodToIssues } from './zodIssues.js';

/** A gs_config.yml: the component graph with its sweeps, and the reserved sections set apart. */
export interface LoadedGsConfig {
  source: YamlSource;
  /** Component name → entry, sweeps not yet expanded; `global_config` and `model_info` removed. */
  components: Record<string, unknown>;
  modelInfo?: ModelInfo | undefined;
}

/** Reserved sections are removed after YAML parsing, so anchors defined in them still resolve. */
export function loadGsConfig(path: string, referredFrom?: string): LoadedGsConfig {
  const source = YamlSource.load(path, referredFrom);
  const data = source.data;
  if (!isPlainObject(data)) {
    throw MlgymError.fromIssue(
      source.issue('CONFIG_INVALID', [], {
        problem: 'a gs config must map component names to components',
        found: describeValue(data),
        expected: 'a mapping',
      }),
    );
  }
  const components: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!(RESERVED_GS_KEYS as readonly string[]).includes(key)) components[key] = value;
  }
  let modelInfo: ModelInfo | undefined;
  if (data['model_info'] !== undefined && data['model_info'] !== null) {
    const parsed = ModelInfoSchema.safeParse(data['model_info']);
    if (!parsed.success) {
      throw new MlgymError({
        code: 'CONFIG_INVALID',
        issues: zodToIssues(parsed.error, ModelInfoSchema, data['model_info'], { source, basePath: ['model_info'] }),
      });
    }
    modelInfo = parsed.data;
  }
  return { source, components, modelInfo };
}
