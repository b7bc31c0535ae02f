import { useState } from 'react';
import { Button, Checkbox, Divider, ListItemIcon, ListItemText, ListSubheader, Menu, MenuItem } from '@mui/material';
import ViewColumnIcon from '@mui/icons-material/ViewColumn';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { allColumnsShown, columnVisibilitySet } from '../../analysis/analysisSlice';
import { selectColumns } from '../../analysis/experimentTable';

const GROUPS = [
  ['experiment', 'Experiment'],
  ['hyper-parameter', 'Hyper-parameters'],
  ['score', 'Latest scores'],
] as const;

/** Which columns the table shows; remembered across reloads and new events. */
export function ColumnChooser() {
  const columns = useAppSelector(selectColumns);
  const hidden = useAppSelector((s) => s.analysis.hiddenColumns);
  const dispatch = useAppDispatch();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  return (
    <>
      <Button startIcon={<ViewColumnIcon />} onClick={(e) => setAnchor(e.currentTarget)} aria-haspopup="menu">
        Columns
      </Button>
      <Menu
        anchorEl={anchor}
        open={anchor !== null}
        onClose={() => setAnchor(null)}
        slotProps={{ paper: { sx: { maxHeight: 480 } } }}
      >
        <MenuItem onClick={() => dispatch(allColumnsShown())}>
          <ListItemText>Show all columns</ListItemText>
        </MenuItem>
        <Divider />
        {GROUPS.flatMap(([group, title]) => {
          const inGroup = columns.filter((c) => c.group === group && c.id !== 'experiment_id');
          if (inGroup.length === 0) return [];
          return [
            <ListSubheader key={group}>{title}</ListSubheader>,
            ...inGroup.map((c) => {
              const visible = !hidden.includes(c.id);
              return (
                <MenuItem
                  key={c.id}
                  dense
                  role="menuitemcheckbox"
                  aria-checked={visible}
                  onClick={() => dispatch(columnVisibilitySet({ column: c.id, visible: !visible }))}
                >
                  <ListItemIcon>
                    <Checkbox edge="start" size="small" checked={visible} tabIndex={-1} disableRipple />
                  </ListItemIcon>
                  <ListItemText primary={c.label} secondary={c.description} />
                </MenuItem>
              );
            }),
          ];
        })}
      </Menu>
    </>
  );
}
