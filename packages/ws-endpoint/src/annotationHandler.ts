import type { IncomingMessage, ServerResponse } from 'node:http';
import { annotationEvent, conflictMessage } from '@mlgym/event-store';
import type { EventLog, EventLogProvider } from '@mlgym/event-store';
import { AnnotationRequestSchema, MlgymError, SafeNameSchema } from '@mlgym/protocol';
import type { AnnotationAnswer, AnnotationConflict, AuthErrorBody } from '@mlgym/protocol';
import { writeRefusal } from '@mlgym/server-security';
import type { Principal } from '@mlgym/server-security';
import { AnnotationIndex } from './annotationIndex.js';
import { fail, sendJson } from './httpAnswers.js';
import type { KeyLimit } from './keyLimit.js';

/** A note of 20,000 characters of 4-byte UTF-8, with room for the rest of the edit. */
const MAX_BODY_BYTES = 128 * 1024;
const BODY_TIMEOUT_MS = 10_000;

export interface AnnotationHandlerOptions {
  storage: EventLogProvider;
  logFor: (gridSearchId: string) => Promise<EventLog>;
  keyLimit: KeyLimit;
}

/** Who is writing, and whether they may write to a grid search (undefined, or the refusal). */
export interface Writer {
  principal: Principal;
  mayWrite: (gridSearchId: string) => AuthErrorBody | undefined;
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES)
    throw new BodyError(413, 'PAYLOAD_TOO_LARGE', `an edit is at most ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  const timer = setTimeout(() => req.destroy(new Error('the request body did not arrive in time')), BODY_TIMEOUT_MS);
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES)
        throw new BodyError(413, 'PAYLOAD_TOO_LARGE', `an edit is at most ${MAX_BODY_BYTES} bytes`);
      chunks.push(chunk);
    }
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `POST /annotations/<grid_search_id>`: one edit of an experiment's (or the grid search's) tags and note, stored as
 * an `annotation` event and broadcast to the room like every event, so every open board shows it at once and a
 * replay shows it after any restart. The author is the token's name where the endpoint has tokens. A note whose
 * `note_base` is no longer the current note is refused (409 CONFLICT, with the current note), so an edit never
 * silently replaces one its writer had not seen; tags merge and never conflict.
 */
export function createAnnotationHandler(options: AnnotationHandlerOptions) {
  const index = new AnnotationIndex();
  return async (req: IncomingMessage, res: ServerResponse, url: URL, writer: Writer): Promise<void> => {
    const match = /^\/annotations\/([^/]+)$/.exec(url.pathname);
    if (!match) return fail(res, 404, 'NOT_FOUND', `no route ${url.pathname}`);
    if (req.method !== 'POST') {
      return fail(res, 405, 'BAD_REQUEST', `${req.method} ${url.pathname}: only POST is served (one edit as JSON)`);
    }
    let room: string;
    try {
      room = decodeURIComponent(match[1]!);
    } catch {
      return fail(res, 400, 'BAD_REQUEST', 'the grid search id is not valid percent-encoding');
    }
    if (!SafeNameSchema.safeParse(room).success) {
      return fail(res, 400, 'STORAGE_PATH_UNSAFE', `${JSON.stringify(room)} is not a valid grid search id`);
    }
    const refusal = writer.mayWrite(room);
    if (refusal) return writeRefusal(res, refusal);
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return fail(res, 415, 'BAD_REQUEST', 'an edit is sent as Content-Type: application/json');
    }
    let raw: unknown;
    try {
      raw = JSON.parse(await readBody(req));
    } catch (error) {
      if (error instanceof BodyError) return fail(res, error.status, error.code, error.message);
      return fail(res, 400, 'BAD_REQUEST', 'the body is not JSON');
    }
    const parsed = AnnotationRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const at = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      return fail(res, 400, 'BAD_REQUEST', `${at}${issue?.message ?? 'invalid edit'}`);
    }
    if (!options.storage.has(room)) return fail(res, 404, 'NOT_FOUND', `no grid search ${room} is stored`);
    const edit = parsed.data;
    const log = await options.logFor(room);
    const author = writer.principal.anonymous ? (edit.author ?? null) : writer.principal.name;
    try {
      const answer = await index.exclusive(room, log, async (view) => {
        const made = annotationEvent(view, room, edit, author);
        if ('conflict' in made) return made;
        await options.keyLimit.admit(room, log, [made.event]);
        const { ids } = await log.append([made.event]);
        return { eventId: ids[0] as number };
      });
      if ('conflict' in answer) {
        const body: AnnotationConflict = {
          code: 'CONFLICT',
          message: conflictMessage(answer.conflict),
          current: answer.conflict,
        };
        res.writeHead(409, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        return void res.end(JSON.stringify(body));
      }
      // the index has read the new event: the target as every board now shows it
      const target = await index.exclusive(room, log, async (view) => view.fold.target(edit.experiment_id));
      const body: AnnotationAnswer = { event_id: answer.eventId, target: structuredClone(target) };
      sendJson(res, body);
    } catch (error) {
      if (error instanceof MlgymError) {
        const status = error.code === 'NOT_FOUND' ? 404 : error.code === 'PAYLOAD_TOO_LARGE' ? 413 : 400;
        return fail(res, status, error.code, error.message);
      }
      throw error;
    }
  };
}
