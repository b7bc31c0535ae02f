import { useState } from 'react';
import { Autocomplete, Chip, TextField } from '@mui/material';
import { TagSchema } from '@mlgym/protocol';
import { describeRestError } from '../../connection/rest/api';
import { useAppSelector } from '../../store/hooks';
import { selectAnnotation, selectTagCounts } from './annotationSelectors';
import { tagColor } from './tagColor';
import { useAnnotate } from './useAnnotate';

/**
 * The tags of an experiment (or of the grid search: null) as a multi-select: pick a tag in use or type a new one
 * (Enter); each change is sent as one edit (added and removed tags), and shows once the endpoint has stored it.
 */
export function TagEditor({ experimentId, autoFocus }: { experimentId: number | null; autoFocus?: boolean }) {
  const tags = useAppSelector((s) => selectAnnotation(s, experimentId).tags);
  const options = useAppSelector(selectTagCounts);
  const { send, readOnly, sending } = useAnnotate();
  const [problem, setProblem] = useState<string | null>(null);
  const label = experimentId === null ? 'Tags of the grid search' : `Tags of experiment ${experimentId}`;

  const change = (next: string[]) => {
    const wanted = [...new Set(next.map((t) => t.trim()).filter(Boolean))];
    const bad = wanted.find((t) => !TagSchema.safeParse(t).success);
    if (bad !== undefined) {
      setProblem(`"${bad}" is not a tag: up to 40 letters, digits, "_", ".", ":", "/", "-", not starting with + or -`);
      return;
    }
    const add = wanted.filter((t) => !tags.includes(t));
    const remove = tags.filter((t) => !wanted.includes(t));
    if (add.length === 0 && remove.length === 0) return;
    setProblem(null);
    send({ experiment_id: experimentId, add_tags: add, remove_tags: remove }).catch((e: unknown) =>
      setProblem(`Not saved: ${describeRestError(e)}`),
    );
  };

  return (
    <Autocomplete
      multiple
      freeSolo
      size="small"
      disabled={readOnly}
      options={options.map((o) => o.tag)}
      value={[...tags]}
      onChange={(_e, value) => change(value)}
      loading={sending}
      renderValue={(value, getItemProps) =>
        value.map((tag, index) => {
          const { key, ...item } = getItemProps({ index });
          return <Chip key={key} {...item} label={tag} size="small" sx={{ bgcolor: tagColor(tag) }} />;
        })
      }
      renderInput={(params) => (
        <TextField
          {...params}
          label={label}
          autoFocus={autoFocus}
          placeholder={readOnly ? undefined : 'Add a tag…'}
          error={problem !== null}
          helperText={problem ?? (readOnly ? undefined : 'Enter adds a new tag; every change is saved at once')}
        />
      )}
    />
  );
}
