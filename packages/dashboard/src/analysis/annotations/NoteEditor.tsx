import { useState } from 'react';
import { Alert, Box, Button, Stack, TextField, Typography } from '@mui/material';
import { MAX_NOTE_CHARS } from '@mlgym/protocol';
import type { NoteRevision } from '@mlgym/protocol';
import { describeRestError } from '../../connection/rest/api';
import { conflictOf } from '../../connection/rest/annotationsApi';
import { NoteView, revisionLine } from './NoteView';
import { useAnnotate } from './useAnnotate';

/**
 * Edits a note. The edit names the revision it started from. When someone saves another meanwhile, it shows at once
 * (the board gets every stored edit); saving anyway is refused by the endpoint, which stores nothing, and this shows
 * their text beside yours: take theirs, put theirs above yours, or save yours over theirs knowingly.
 */
export function NoteEditor({
  experimentId,
  note,
  onDone,
}: {
  experimentId: number | null;
  note: NoteRevision | null;
  onDone: () => void;
}) {
  const [text, setText] = useState(note?.text ?? '');
  const [base, setBase] = useState<number | null>(note?.event_id ?? null);
  const [conflict, setConflict] = useState<NoteRevision | null | undefined>(undefined);
  const [problem, setProblem] = useState<string | null>(null);
  const { send, sending } = useAnnotate();
  // what someone else saved since this edit began (seen live), or what the endpoint named when it refused a save
  const current = note?.event_id ?? null;
  const theirs: NoteRevision | null | undefined =
    conflict !== undefined ? conflict : current !== base ? note : undefined;

  const save = () => {
    setProblem(null);
    // a note shown here as theirs is replaced knowingly; one saved after it is refused again
    const replacing = theirs !== undefined ? (theirs?.event_id ?? null) : base;
    send({ experiment_id: experimentId, note: text, note_base: replacing }).then(onDone, (e: unknown) => {
      const refused = conflictOf(e);
      if (!refused) return setProblem(`Not saved: ${describeRestError(e)}`);
      setConflict(refused.current);
      // the next save replaces their revision knowingly
      setBase(refused.current?.event_id ?? null);
    });
  };

  return (
    <Stack spacing={1}>
      {theirs !== undefined && (
        <Alert severity="warning" data-testid="note-conflict">
          <Typography variant="body2" sx={{ mb: 1 }}>
            {theirs
              ? `This note was changed (${revisionLine(theirs)}) while you edited it${conflict !== undefined ? '; nothing of yours was saved' : ''}. Their text:`
              : `This note was cleared while you edited it${conflict !== undefined ? '; nothing of yours was saved' : ''}.`}
          </Typography>
          {theirs?.text ? <NoteView note={theirs} label="their-note" /> : null}
          <Box sx={{ mt: 1, display: 'flex', gap: 1 }}>
            <Button
              size="small"
              onClick={() => {
                setText(theirs?.text ?? '');
                setBase(theirs?.event_id ?? null);
                setConflict(undefined);
              }}
            >
              Take theirs
            </Button>
            <Button size="small" onClick={() => setText(`${theirs?.text ?? ''}\n\n${text}`.trim())}>
              Put theirs above mine
            </Button>
          </Box>
        </Alert>
      )}
      <TextField
        multiline
        minRows={4}
        maxRows={20}
        autoFocus
        label="Note (Markdown)"
        value={text}
        onChange={(e) => setText(e.target.value)}
        slotProps={{ htmlInput: { maxLength: MAX_NOTE_CHARS, 'data-testid': 'note-input' } }}
        helperText={problem ?? 'Markdown: **bold**, lists, `code`, [links](https://…); HTML is shown as text'}
        error={problem !== null}
      />
      <Box sx={{ display: 'flex', gap: 1 }}>
        <Button variant="contained" size="small" onClick={save} disabled={sending}>
          {theirs !== undefined ? 'Save mine over theirs' : 'Save note'}
        </Button>
        <Button size="small" onClick={onDone}>
          Cancel
        </Button>
      </Box>
    </Stack>
  );
}
