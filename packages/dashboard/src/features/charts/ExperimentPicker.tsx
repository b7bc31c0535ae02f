import { memo, useMemo, useState } from 'react';
import { IconButton, MenuItem, TextField, Tooltip } from '@mui/material';
import SendIcon from '@mui/icons-material/Send';

export interface ExperimentPickerProps {
  ids: readonly number[];
  onGo: (experimentId: number) => void;
}

/** "Take me to experiment page": a chart's experiments in a select, and a button that opens the one picked. */
export const ExperimentPicker = memo(function ExperimentPicker({ ids, onGo }: ExperimentPickerProps) {
  const [target, setTarget] = useState('');
  // The items exist only while the menu is open: 1,000 experiments would otherwise be 1,000
  // elements per chart, made again whenever the lines change.
  const [open, setOpen] = useState(false);
  const menuItems = useMemo(() => {
    const item = (id: number | string) => (
      <MenuItem key={id} value={String(id)}>
        {id}
      </MenuItem>
    );
    if (open) return ids.map(item);
    return target === '' ? [] : [item(target)];
  }, [ids, open, target]);
  return (
    <>
      <TextField
        select
        size="small"
        label="Experiment Id"
        value={target}
        onChange={(e) => setTarget(e.target.value)}
        slotProps={{ select: { open, onOpen: () => setOpen(true), onClose: () => setOpen(false) } }}
        sx={{ minWidth: 170 }}
      >
        {menuItems}
      </TextField>
      <Tooltip title="Go to the Experiment Page">
        <span>
          <IconButton aria-label="Go to experiment" disabled={target === ''} onClick={() => onGo(Number(target))}>
            <SendIcon />
          </IconButton>
        </span>
      </Tooltip>
    </>
  );
});
