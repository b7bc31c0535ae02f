import type { FetchBaseQueryError } from '@reduxjs/toolkit/query/react';
import { ANNOTATIONS_PATH, AnnotationAnswerSchema, AnnotationConflictSchema } from '@mlgym/protocol';
import type { AnnotationAnswer, AnnotationRequest, NoteRevision } from '@mlgym/protocol';
import { api } from './api';

export interface AnnotateArgs {
  /** The websocket endpoint (it stores annotations in the grid search's event log). */
  ws: string;
  gs: string;
  edit: AnnotationRequest;
}

/**
 * One edit of tags or a note: `POST /annotations/<gs>` on the websocket endpoint, with the token entered for its
 * origin. The edit reaches every open board (this one too) as an event of the log; the answer only says it is
 * stored.
 */
export const annotationsApi = api.injectEndpoints({
  endpoints: (builder) => ({
    annotate: builder.mutation<AnnotationAnswer, AnnotateArgs>({
      query: ({ ws, gs, edit }) => ({ url: `${ws}${ANNOTATIONS_PATH(gs)}`, method: 'POST', body: edit }),
      rawResponseSchema: AnnotationAnswerSchema,
    }),
  }),
});

export const { useAnnotateMutation } = annotationsApi;

/** The current note when an edit was refused because the note changed meanwhile (409 CONFLICT), else undefined. */
export function conflictOf(error: unknown): { message: string; current: NoteRevision | null } | undefined {
  const e = error as FetchBaseQueryError | undefined;
  if (!e || e.status !== 409) return undefined;
  const body = AnnotationConflictSchema.safeParse(e.data);
  return body.success ? { message: body.data.message, current: body.data.current } : undefined;
}
