import { parseDocument } from 'yaml';

/**
 * The run config as it is stored on the endpoints (and shown to everyone who may read the run): without
 * `logging.auth_token`, which would hand a read token's holder the trainer's write token. Text without the key
 * is returned as it is.
 */
export function redactRunConfig(text: string): string {
  const doc = parseDocument(text);
  if (!doc.hasIn(['logging', 'auth_token'])) return text;
  doc.deleteIn(['logging', 'auth_token']);
  return doc.toString();
}
