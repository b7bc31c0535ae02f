import { useState } from 'react';
import { Alert, Box, Button, Paper, Stack, Typography } from '@mui/material';
import EditNoteIcon from '@mui/icons-material/EditNote';
import { useAppSelector } from '../../store/hooks';
import { selectAnnotation } from './annotationSelectors';
import { NoteEditor } from './NoteEditor';
import { NoteView, revisionLine } from './NoteView';
import { TagEditor } from './TagEditor';
import { TagList } from './TagList';
import { useAnnotate } from './useAnnotate';

/**
 * Tags and note of an experiment (or of the grid search: null), editable where the board is connected; every open
 * board shows an edit as soon as it is stored. A note that replaced another its writer had not seen shows that one
 * too, so it is not lost.
 */
export function AnnotationPanel({ experimentId, dense }: { experimentId: number | null; dense?: boolean }) {
  const target = useAppSelector((s) => selectAnnotation(s, experimentId));
  const { readOnly } = useAnnotate();
  const [editing, setEditing] = useState(false);
  const note = target.note?.text ? target.note : null;
  return (
    <Stack
      spacing={1.5}
      component="section"
      aria-label={
        experimentId === null ? 'Tags and note of the grid search' : `Tags and note of experiment ${experimentId}`
      }
      {...{ 'data-testid': experimentId === null ? 'grid-search-annotations' : 'experiment-annotations' }}
    >
      {readOnly ? <TagList tags={target.tags} empty="No tags." /> : <TagEditor experimentId={experimentId} />}
      {editing ? (
        <NoteEditor experimentId={experimentId} note={target.note} onDone={() => setEditing(false)} />
      ) : (
        <Box>
          {note ? (
            <Paper variant="outlined" sx={{ p: dense ? 1 : 1.5 }}>
              <NoteView note={note} />
            </Paper>
          ) : (
            <Typography color="text.secondary" variant="body2">
              No note.
            </Typography>
          )}
          {!readOnly && (
            <Button size="small" startIcon={<EditNoteIcon />} onClick={() => setEditing(true)} sx={{ mt: 0.5 }}>
              {note ? 'Edit note' : 'Add a note'}
            </Button>
          )}
        </Box>
      )}
      {target.replaced?.text && (
        <Alert severity="info" data-testid="note-replaced">
          <Typography variant="body2" sx={{ mb: 0.5 }}>
            This note replaced one written at the same time ({revisionLine(target.replaced)}), without having seen it:
          </Typography>
          <NoteView note={target.replaced} label="replaced-note" />
        </Alert>
      )}
    </Stack>
  );
}
