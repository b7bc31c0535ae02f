import { useState } from 'react';
import { Box, Popover } from '@mui/material';
import type { CustomCellRendererProps } from 'ag-grid-react';
import { TagEditor } from '../../analysis/annotations/TagEditor';
import { TagList } from '../../analysis/annotations/TagList';
import { useAnnotate } from '../../analysis/annotations/useAnnotate';
import type { GridRow } from '../../analysis/rowFilter';

const EDIT_BUTTON = {
  display: 'inline-flex',
  padding: 2,
  border: 0,
  borderRadius: 4,
  background: 'none',
  color: 'rgba(0,0,0,0.54)',
  cursor: 'pointer',
  flex: 'none',
} as const;

/** MUI's Edit icon path, drawn without the SvgIcon component (a cell per visible row). */
const EDIT_ICON =
  'M3 17.25V21h3.75L17.81 9.94l-3.75-3.75zM20.71 7.04c.39-.39.39-1.02 0-1.41l-2.34-2.34a.996.996 0 0 0-1.41 0l-1.83 1.83 3.75 3.75z';

/**
 * The Tags column: the experiment's tags, and (where the board may edit) a button that opens the tags as a
 * multi-select. A click on the button or in the editor does not open the experiment (see `data-no-row-click`).
 */
export function TagsCell({ value, data }: CustomCellRendererProps<GridRow, readonly string[]>) {
  const { readOnly } = useAnnotate();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  if (!data) return null;
  return (
    <span style={{ display: 'flex', alignItems: 'center', gap: 4, height: '100%', overflow: 'hidden' }}>
      {!readOnly && (
        <button
          type="button"
          data-no-row-click
          style={EDIT_BUTTON}
          title="Edit tags"
          aria-label={`Edit the tags of experiment ${data.experiment_id}`}
          onClick={(e) => setAnchor(e.currentTarget)}
        >
          <svg width={16} height={16} viewBox="0 0 24 24" aria-hidden fill="currentColor">
            <path d={EDIT_ICON} />
          </svg>
        </button>
      )}
      <TagList tags={value ?? []} oneLine />
      {anchor && (
        <Popover
          open
          anchorEl={anchor}
          onClose={() => setAnchor(null)}
          anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}
        >
          <Box sx={{ p: 2, width: 360 }} data-testid="tag-editor">
            <TagEditor experimentId={data.experiment_id} autoFocus />
          </Box>
        </Popover>
      )}
    </span>
  );
}
