import {
  CrossValidationSchema,
  MlgymError,
  NestedCrossValidationSchema,
  VALIDATION_MODES,
  VALIDATION_MODE_ALIASES,
} from '@mlgym/protocol';
import type { ValidationMode, ValidationStrategy } from '@mlgym/protocol';
import { describeValue, isPlainObject } from '../util/describeValue.js';
import { didYouMean } from '../util/nearest.js';
import { YamlSource } from './yamlSource.js';
import { zodToIssues } from './zodIssues.js';

export interface LoadedValidationConfig {
  source: YamlSource;
  strategy: ValidationStrategy;
  /** The key the mode was given under in the file (may be an accepted alias). */
  key: string;
}

/**
 * Loads a validation config: one top-level key naming the mode (CROSS_VALIDATION,
 * NESTED_CROSS_VALIDATION or GRID_SEARCH; the original's spellings NestedCV / NESTED_CV are
 * accepted) besides `global_config`.
 */
export function loadValidationConfig(path: string, referredFrom?: string): LoadedValidationConfig {
  const source = YamlSource.load(path, referredFrom);
  const data = source.data;
  if (!isPlainObject(data)) {
    throw MlgymError.fromIssue(
      source.issue('CONFIG_INVALID', [], {
        problem: 'a validation config must be a mapping',
        found: describeValue(data),
      }),
    );
  }
  const keys = Object.keys(data).filter((k) => k !== 'global_config');
  const accepted = [...VALIDATION_MODES, ...Object.keys(VALIDATION_MODE_ALIASES)];
  if (keys.length !== 1) {
    throw MlgymError.fromIssue(
      source.issue('UNKNOWN_VALIDATION_MODE', keys.length ? [keys[1] as string] : [], {
        problem: keys.length ? 'a validation config names exactly one validation mode' : 'no validation mode given',
        found: keys.length ? keys.join(', ') : undefined,
        expected: `one of ${VALIDATION_MODES.join(', ')}`,
      }),
    );
  }
  const key = keys[0] as string;
  const mode: ValidationMode | undefined = (VALIDATION_MODES as readonly string[]).includes(key)
    ? (key as ValidationMode)
    : VALIDATION_MODE_ALIASES[key];
  if (!mode) {
    throw MlgymError.fromIssue(
      source.issue('UNKNOWN_VALIDATION_MODE', [key], {
        problem: `unknown validation mode "${key}"`,
        expected: `one of ${VALIDATION_MODES.join(', ')}`,
        hint: didYouMean(key, accepted),
      }),
    );
  }
  const body = data[key];
  if (mode === 'GRID_SEARCH') return { source, key, strategy: { mode } };
  const schema = mode === 'CROSS_VALIDATION' ? CrossValidationSchema : NestedCrossValidationSchema;
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new MlgymError({
      code: 'CONFIG_INVALID',
      issues: zodToIssues(parsed.error, schema, body, { source, basePath: [key] }),
    });
  }
  const strategy = (
    mode === 'CROSS_VALIDATION' ? { mode, spec: parsed.data } : { mode, spec: parsed.data }
  ) as ValidationStrategy;
  return { source, key, strategy };
}
