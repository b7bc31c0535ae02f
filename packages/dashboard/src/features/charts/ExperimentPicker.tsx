import { forwardRef, memo, useMemo, useState } from 'react';
import type { HTMLAttributes, ReactNode } from 'react';
import { Autocomplete, IconButton, TextField, Tooltip } from '@mui/material';
import SendIcon from '@mui/icons-material/Send';
import { List } from 'react-window';
import type { RowComponentProps } from 'react-window';

export interface ExperimentPickerProps {
  ids: readonly number[];
  onGo: (experimentId: number) => void;
}

const ROW_HEIGHT = 36;
const LIST_HEIGHT = 8 * ROW_HEIGHT;

/** What `renderOption` hands the list: the option's props (role, handlers) and its id. */
type Item = [HTMLAttributes<HTMLLIElement> & { key?: string }, number];

function Row({ index, style, items }: RowComponentProps<{ items: readonly Item[] }>) {
  const item = items[index];
  if (!item) return null;
  const [{ key, ...props }, id] = item;
  return (
    <li key={key} {...props} style={{ ...style, ...props.style }}>
      {id}
    </li>
  );
}

/**
 * The list of the picker's open menu: only the rows in view exist (react-window), so a chart of 10,000
 * experiments opens its menu as fast as one of ten.
 */
const VirtualListbox = forwardRef<HTMLUListElement, HTMLAttributes<HTMLElement> & { children?: ReactNode }>(
  function VirtualListbox({ children, ...other }, ref) {
    const items = children as unknown as Item[];
    const rowProps = useMemo(() => ({ items }), [items]);
    return (
      <ul ref={ref} {...other} style={{ ...other.style, maxHeight: 'none', overflow: 'visible', padding: 0 }}>
        <List
          rowComponent={Row}
          rowCount={items.length}
          rowHeight={ROW_HEIGHT}
          rowProps={rowProps}
          overscanCount={8}
          style={{ height: Math.min(LIST_HEIGHT, Math.max(1, items.length) * ROW_HEIGHT) }}
        />
      </ul>
    );
  },
);

/**
 * "Take me to experiment page": a chart's experiments in a searchable list (type part of an id), and a
 * button that opens the one picked. The list is virtualised: it costs the same at 10,000 experiments as
 * at ten (a menu item per experiment took seconds to open).
 */
export const ExperimentPicker = memo(function ExperimentPicker({ ids, onGo }: ExperimentPickerProps) {
  const [target, setTarget] = useState<number | null>(null);
  return (
    <>
      <Autocomplete
        size="small"
        options={ids}
        value={target}
        onChange={(_e, id) => setTarget(id)}
        getOptionLabel={(id) => String(id)}
        renderOption={(props, id) => [props, id] as unknown as ReactNode}
        slotProps={{ listbox: { component: VirtualListbox } }}
        disableListWrap
        autoHighlight
        noOptionsText="No experiment with that id"
        renderInput={(params) => <TextField {...params} label="Experiment Id" placeholder="type an id" />}
        sx={{ minWidth: 190 }}
      />
      <Tooltip title="Go to the Experiment Page">
        <span>
          <IconButton aria-label="Go to experiment" disabled={target === null} onClick={() => onGo(Number(target))}>
            <SendIcon />
          </IconButton>
        </span>
      </Tooltip>
    </>
  );
});
