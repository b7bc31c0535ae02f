import { useMemo } from 'react';
import { Box, Typography } from '@mui/material';
import type { NoteRevision } from '@mlgym/protocol';
import { formatTime } from '../../shared/cellFormat';
import { renderNote } from './noteMarkdown';

const PROSE = {
  fontSize: 14,
  lineHeight: 1.5,
  overflowWrap: 'anywhere',
  '& p': { my: 0.5 },
  '& pre': { bgcolor: '#f3f4f6', p: 1, borderRadius: 1, overflowX: 'auto' },
  '& code': { bgcolor: '#f3f4f6', px: 0.5, borderRadius: 0.5 },
  '& h1, & h2, & h3': { fontSize: 16, my: 0.5 },
} as const;

/** Who wrote a revision and when. */
export function revisionLine(revision: NoteRevision): string {
  return `${revision.author ?? 'anonymous'}, ${formatTime(revision.time)}`;
}

/**
 * A note rendered from Markdown (see noteMarkdown.ts: no HTML of the note's own, http(s) links only, no images),
 * with who wrote it last and when.
 */
export function NoteView({ note, label = 'note' }: { note: NoteRevision; label?: string }) {
  const html = useMemo(() => renderNote(note.text), [note.text]);
  return (
    <Box>
      {/* the HTML comes from markdown-it with raw HTML off: the note's own tags are escaped as text */}
      <Box data-testid={label} sx={PROSE} dangerouslySetInnerHTML={{ __html: html }} />
      <Typography variant="caption" color="text.secondary">
        {revisionLine(note)}
      </Typography>
    </Box>
  );
}
