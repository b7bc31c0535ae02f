import { useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  ListItemText,
  Menu,
  MenuItem,
  TextField,
  Tooltip,
} from '@mui/material';
import BookmarkIcon from '@mui/icons-material/BookmarkBorder';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { viewApplied, viewDeleted, viewSaved } from '../analysisSlice';
import type { SavedView } from './analysisView';

/** A saved view in a word: `grouped by combination · ± std · lr < 0.01`. */
export function describeView({ view }: SavedView): string {
  const g = view.groupBy;
  const grouping =
    g === null
      ? 'default grouping'
      : g.kind === 'none'
        ? 'not grouped'
        : g.kind === 'keys'
          ? `grouped by ${g.keys.map((k) => k.split('.').at(-1)).join(', ')}`
          : `grouped by ${g.kind}`;
  return [
    grouping,
    g?.kind === 'none' ? null : { std: '± std', minmax: 'min–max', none: 'no band' }[view.band],
    view.expression || null,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Named views (grouping, band, expression filter): save the current one, pick one again, delete one. */
export function SavedViews() {
  const views = useAppSelector((s) => s.analysis.savedViews);
  const dispatch = useAppDispatch();
  const [menu, setMenu] = useState<HTMLElement | null>(null);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const save = () => {
    if (name.trim()) dispatch(viewSaved(name));
    setNaming(false);
  };
  return (
    <>
      <Button startIcon={<BookmarkIcon />} onClick={(e) => setMenu(e.currentTarget)} aria-haspopup="menu">
        Views{views.length ? ` (${views.length})` : ''}
      </Button>
      <Menu anchorEl={menu} open={menu !== null} onClose={() => setMenu(null)}>
        <MenuItem
          onClick={() => {
            setMenu(null);
            setName('');
            setNaming(true);
          }}
        >
          Save this view…
        </MenuItem>
        {views.map((v) => (
          <MenuItem
            key={v.name}
            onClick={() => {
              setMenu(null);
              dispatch(viewApplied(v.view));
            }}
            aria-label={`View ${v.name}`}
          >
            <ListItemText primary={v.name} secondary={describeView(v)} />
            <Tooltip title={`Delete the view ${v.name}`}>
              <IconButton
                edge="end"
                size="small"
                aria-label={`Delete the view ${v.name}`}
                onClick={(e) => {
                  e.stopPropagation();
                  dispatch(viewDeleted(v.name));
                }}
              >
                <DeleteIcon fontSize="small" />
              </IconButton>
            </Tooltip>
          </MenuItem>
        ))}
      </Menu>
      <Dialog open={naming} onClose={() => setNaming(false)} aria-labelledby="save-view-title">
        <DialogTitle id="save-view-title">Save this view</DialogTitle>
        <DialogContent>
          <TextField
            autoFocus
            margin="dense"
            label="Name"
            fullWidth
            value={name}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && save()}
            helperText={
              views.some((v) => v.name === name.trim()) ? 'Replaces the view of that name' : 'Grouping, band and filter'
            }
            slotProps={{ htmlInput: { maxLength: 100 } }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setNaming(false)}>Cancel</Button>
          <Button onClick={save} disabled={!name.trim()}>
            Save
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
