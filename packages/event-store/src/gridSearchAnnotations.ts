import { ANNOTATIONS_PATH, AnnotationAnswerSchema, AnnotationConflictSchema, MlgymError } from '@mlgym/protocol';
import type { AnnotationAnswer, AnnotationRequest } from '@mlgym/protocol';
import {
  annotationEvent,
  catchUpAnnotations,
  conflictMessage,
  createAnnotationView,
  foldAnnotationLine,
} from './annotationLog.js';
import type { AnnotationView } from './annotationLog.js';
import { FileEventStorage } from './eventStorage.js';
import { readGridSearchLines, refusal } from './gridSearchSource.js';
import type { GridSearchSource } from './gridSearchSource.js';

/** A grid search's annotations and experiments, read from its whole log. */
export async function readAnnotations(source: GridSearchSource, gridSearchId: string): Promise<AnnotationView> {
  const view = createAnnotationView();
  for await (const { id, line } of readGridSearchLines(source, gridSearchId)) {
    foldAnnotationLine(view, id, line);
    view.next = id + 1;
  }
  return view;
}

export interface WriteOptions {
  /** Who writes (the CLI: the user's login); an endpoint with tokens names the token instead. */
  author?: string | undefined;
}

/**
 * Stores one edit: through the websocket endpoint (`POST /annotations/…`, so every open board shows it at once),
 * or straight into a storage folder that no endpoint serves (its lock says so; then the edit must go through the
 * endpoint). A note written over another than the current one is refused with CONFLICT, naming the current note.
 */
export async function writeAnnotation(
  source: GridSearchSource,
  gridSearchId: string,
  edit: AnnotationRequest,
  options: WriteOptions = {},
): Promise<AnnotationAnswer> {
  if (source.kind === 'endpoint') return postAnnotation(source, gridSearchId, { ...edit, author: options.author });
  const storage = new FileEventStorage(source.root, { fsync: 'always' });
  try {
    try {
      await storage.lockRoot();
    } catch (error) {
      if (error instanceof MlgymError && error.code === 'STORAGE_LOCKED') {
        throw MlgymError.fromIssue({
          code: 'STORAGE_LOCKED',
          problem: `${source.root} is served by an ml_board_ws_endpoint (${error.issues[0]?.problem ?? error.message})`,
          hint: 'Send the edit through it, so that open boards see it: --ws_endpoint http://127.0.0.1:5002 (its address)',
        });
      }
      throw error;
    }
    if (!storage.has(gridSearchId)) {
      throw MlgymError.fromIssue({ code: 'NOT_FOUND', problem: `no grid search ${gridSearchId} in ${source.root}` });
    }
    const log = await storage.log(gridSearchId);
    const view = createAnnotationView();
    await catchUpAnnotations(view, log);
    const made = annotationEvent(view, gridSearchId, edit, options.author ?? null);
    if ('conflict' in made) {
      throw new MlgymError({ code: 'CONFLICT', message: conflictMessage(made.conflict), cause: made.conflict });
    }
    const { ids } = await log.append([made.event]);
    await catchUpAnnotations(view, log);
    return { event_id: ids[0] as number, target: structuredClone(view.fold.target(edit.experiment_id)) };
  } finally {
    await storage.close();
  }
}

async function postAnnotation(
  source: Extract<GridSearchSource, { kind: 'endpoint' }>,
  gridSearchId: string,
  edit: AnnotationRequest,
): Promise<AnnotationAnswer> {
  const url = `${source.url.replace(/\/$/, '')}${ANNOTATIONS_PATH(gridSearchId)}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(source.token ? { authorization: `Bearer ${source.token}` } : {}),
      },
      body: JSON.stringify(edit),
      signal: AbortSignal.timeout(source.idleTimeoutMs ?? 60_000),
    });
  } catch (error) {
    throw MlgymError.fromIssue({
      code: 'NETWORK_TIMEOUT',
      problem: `cannot send the edit to ${url}: ${(error as Error).message}`,
      hint: 'Is the websocket endpoint running at that address?',
    });
  }
  if (res.status === 409) {
    const body = AnnotationConflictSchema.parse(await res.json());
    throw new MlgymError({ code: 'CONFLICT', message: body.message, cause: body.current });
  }
  if (!res.ok) throw await refusal(res, url, gridSearchId, source.token !== undefined);
  return AnnotationAnswerSchema.parse(await res.json());
}
