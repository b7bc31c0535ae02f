import { MAX_EVENT_BYTES, MAX_JSON_DEPTH, MlgymError, MlgymEventSchema, nestsDeeperThan } from '@mlgym/protocol';
import type { MlgymEvent } from '@mlgym/protocol';

export const DEFAULT_MAX_EVENT_BYTES = MAX_EVENT_BYTES;

/**
 * Checks one incoming event against the protocol: size, shape, and a grid_search_id that is a
 * safe folder name. Returns the event or throws an EVENT_INVALID error that says what is wrong.
 */
export function validateEvent(event: unknown, maxBytes = DEFAULT_MAX_EVENT_BYTES, index?: number): MlgymEvent {
  const where = index === undefined ? 'event' : `event ${index}`;
  if (nestsDeeperThan(event, MAX_JSON_DEPTH)) {
    throw MlgymError.fromIssue({
      code: 'EVENT_INVALID',
      problem: `${where} nests arrays/objects more than ${MAX_JSON_DEPTH} levels deep`,
    });
  }
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(event) ?? '');
  } catch {
    throw MlgymError.fromIssue({ code: 'EVENT_INVALID', problem: `${where} cannot be serialised as JSON` });
  }
  if (size > maxBytes) {
    throw MlgymError.fromIssue({
      code: 'PAYLOAD_TOO_LARGE',
      problem: `${where} is ${size} bytes`,
      expected: `at most ${maxBytes} bytes`,
    });
  }
  const parsed = MlgymEventSchema.safeParse(event);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const path = first?.path.join('.') || '(root)';
    throw MlgymError.fromIssue({
      code: 'EVENT_INVALID',
      keyPath: path,
      problem: `${where} does not match the mlgym event protocol: ${first?.message ?? 'invalid'}`,
      expected:
        'an object {event_type: experiment_config | job_status | experiment_status | evaluation_result, creation_ts: number, payload: {grid_search_id, experiment_id, …}}',
    });
  }
  return parsed.data;
}
