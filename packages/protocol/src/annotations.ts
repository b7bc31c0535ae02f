import { z } from 'zod';
import { SafeNameSchema } from './safeName.js';

/** The most tags one event adds or removes, and the longest note (characters). */
export const MAX_TAGS_PER_EDIT = 32;
export const MAX_NOTE_CHARS = 20_000;
export const MAX_TAG_CHARS = 40;

/**
 * A tag: a short label of letters, digits and `_ . : / -`, starting with a letter, digit or `_` (so that
 * `mlgym tag … +best -baseline` reads a leading sign as the operation, never as part of the name).
 */
export const TagSchema = z
  .string()
  .min(1)
  .max(MAX_TAG_CHARS)
  .regex(/^[\p{L}\p{N}_][\p{L}\p{N}_.:/-]*$/u, {
    error: `expected a tag: up to ${MAX_TAG_CHARS} letters, digits, "_", ".", ":", "/", "-", starting with a letter, digit or "_"`,
  });

const tagList = z.array(TagSchema).max(MAX_TAGS_PER_EDIT);
const experimentTarget = z.number().int().nonnegative().nullable();

/** Where an annotation came from (shown beside it; a note's author comes from the token where there is one). */
export const ANNOTATION_SOURCES = ['board', 'cli', 'run_config'] as const;

/**
 * `annotation`: tags added to or removed from one experiment (`experiment_id`) or the grid search itself
 * (`experiment_id: null`), and/or its note replaced (`note`, Markdown; '' clears it). Folded in log order
 * (`createAnnotationFold`): tag operations merge, the last note wins. `note_base` is the event id of the note
 * the writer edited (null: it saw none); a note whose base is not the note it replaced is kept as a conflict,
 * so the replaced text is never lost silently.
 */
export const AnnotationPayloadSchema = z.looseObject({
  grid_search_id: SafeNameSchema,
  experiment_id: experimentTarget,
  add_tags: tagList.optional(),
  remove_tags: tagList.optional(),
  note: z.string().max(MAX_NOTE_CHARS).optional(),
  note_base: z.number().int().nonnegative().nullable().optional(),
  /** Who wrote it: the token's name on endpoints with tokens, else what the writer said. */
  author: z.string().max(100).nullable().optional(),
  source: z.enum(ANNOTATION_SOURCES).optional(),
  /** Seconds since the epoch. */
  time: z.number(),
});
export type AnnotationPayload = z.infer<typeof AnnotationPayloadSchema>;

/**
 * `POST /annotations/<grid_search_id>` on the websocket endpoint (write scope): one edit. The endpoint stamps
 * author and time, refuses a note whose `note_base` is no longer the current note (409 `CONFLICT` with the
 * current one), stores the event and broadcasts it to the room like any other.
 */
export const AnnotationRequestSchema = z
  .strictObject({
    experiment_id: experimentTarget,
    add_tags: tagList.optional(),
    remove_tags: tagList.optional(),
    note: z.string().max(MAX_NOTE_CHARS).optional(),
    note_base: z.number().int().nonnegative().nullable().optional(),
    /** Used only where the endpoint has no tokens (with tokens, the token's name is the author). */
    author: z.string().max(100).optional(),
    source: z.enum(ANNOTATION_SOURCES).optional(),
  })
  .refine((r) => (r.add_tags?.length ?? 0) + (r.remove_tags?.length ?? 0) > 0 || r.note !== undefined, {
    error: 'an edit adds or removes tags or sets the note',
  });
export type AnnotationRequest = z.infer<typeof AnnotationRequestSchema>;

/** One revision of a note: its text, who wrote it and when, and the event that holds it. */
export const NoteRevisionSchema = z.object({
  text: z.string(),
  author: z.string().nullable(),
  time: z.number(),
  event_id: z.number().int().nonnegative(),
});
export type NoteRevision = z.infer<typeof NoteRevisionSchema>;

/**
 * What one experiment (or the grid search) carries: its tags, its note's last revision (null: never written; a
 * cleared note is a revision with empty text, which the next edit names as its base), and a note it replaced
 * concurrently.
 */
export const AnnotationTargetSchema = z.object({
  tags: z.array(z.string()),
  note: NoteRevisionSchema.nullable(),
  /** The note that a concurrent edit replaced without having seen it (shown until the note is edited again). */
  replaced: NoteRevisionSchema.nullable(),
});
export type AnnotationTarget = z.infer<typeof AnnotationTargetSchema>;

/** The answer of a stored edit: the event's id and what the target carries now. */
export const AnnotationAnswerSchema = z.object({
  event_id: z.number().int().nonnegative(),
  target: AnnotationTargetSchema,
});
export type AnnotationAnswer = z.infer<typeof AnnotationAnswerSchema>;

/** The body of a 409 answer: the note as it is now, for the writer to merge with. */
export const AnnotationConflictSchema = z.object({
  code: z.literal('CONFLICT'),
  message: z.string(),
  current: NoteRevisionSchema.nullable(),
});
export type AnnotationConflict = z.infer<typeof AnnotationConflictSchema>;

export const ANNOTATIONS_PATH = (gridSearchId: string) => `/annotations/${encodeURIComponent(gridSearchId)}`;
