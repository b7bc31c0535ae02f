import { MlgymError } from '@mlgym/protocol';
import type { TrainingCallback } from './trainingCallback.js';

const HOOKS = [
  'onTrainBegin',
  'onEpochBegin',
  'onBatchBegin',
  'onBatchEnd',
  'onTestBatchEnd',
  'onEpochEnd',
  'onTrainEnd',
] as const;

function isCallback(value: unknown): value is TrainingCallback {
  if (typeof value !== 'object' || value === null) return false;
  const hooks = HOOKS.filter((h) => h in value);
  return hooks.length > 0 && hooks.every((h) => typeof (value as Record<string, unknown>)[h] === 'function');
}

/**
 * The training callbacks a gym config's `callbacks` component built (a plugin's component whose value
 * is a callback or a list of them), checked: a value without hooks is refused, naming the key.
 */
export function callbacksOf(value: unknown, keyPath = 'callbacks'): TrainingCallback[] {
  if (value === undefined) return [];
  const list: unknown[] = Array.isArray(value) ? value : [value];
  list.forEach((cb, i) => {
    if (!isCallback(cb)) {
      throw MlgymError.fromIssue({
        code: 'CONFIG_INVALID',
        keyPath: Array.isArray(value) ? `${keyPath}[${i}]` : keyPath,
        problem: 'the component built no training callback',
        expected: `an object with one or more of ${HOOKS.join(', ')} (functions), or a list of them`,
      });
    }
  });
  return list as TrainingCallback[];
}
