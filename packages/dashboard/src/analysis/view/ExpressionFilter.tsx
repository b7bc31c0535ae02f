import { useCallback, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { Box, InputAdornment, Paper, Popper, TextField, Typography } from '@mui/material';
import FunctionsIcon from '@mui/icons-material/Functions';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { expressionChanged } from '../analysisSlice';
import { selectHyperParameters } from '../experiments/experimentSelectors';
import { selectCompiledExpression, selectExpressionIds, selectKeyIndex } from '../expression/expressionSelectors';
import type { KeyRef } from '../expression/keyIndex';
import { suggestCompletions } from '../expression/suggestCompletions';
import type { Completions } from '../expression/suggestCompletions';

/** Distinct values a config key takes, offered after `==`: at most this many. */
const MAX_VALUES = 30;

const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

/** Completions listed at once (the rest come as more is typed). */
const SHOWN_COMPLETIONS = 20;

const LIST_SX = {
  m: 0,
  py: 0.5,
  listStyle: 'none',
  fontSize: 14,
  '& li': {
    display: 'flex',
    justifyContent: 'space-between',
    gap: 2,
    px: 2,
    py: 0.5,
    cursor: 'pointer',
  },
  '& li[aria-selected="true"], & li:hover': { bgcolor: 'action.selected' },
  '& .label': { fontFamily: MONO },
  '& .detail': {
    color: 'text.secondary',
    fontSize: 12,
    maxWidth: 260,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
} as const;

/**
 * The expression filter (analysis/expression): a box that filters by config values, scores, status
 * and tags, e.g. `lr < 0.01 and val/F1_SCORE_macro > 0.9 and status != failed`. Completions follow the
 * cursor (names, operators, the values a name takes); an expression that cannot be read says where and
 * why under the box, with the part in question underlined, and filters nothing until it can.
 */
export function ExpressionFilter({ minWidth = 460 }: { minWidth?: number }) {
  const text = useAppSelector((s) => s.analysis.expression);
  const compiled = useAppSelector(selectCompiledExpression);
  const index = useAppSelector(selectKeyIndex);
  const hyper = useAppSelector(selectHyperParameters);
  const passing = useAppSelector(selectExpressionIds);
  const total = useAppSelector((s) => s.experiments.ids.length);
  const dispatch = useAppDispatch();
  const input = useRef<HTMLInputElement | null>(null);
  const [completions, setCompletions] = useState<Completions | null>(null);
  const [active, setActive] = useState(0);

  const valuesOf = useCallback(
    (ref: KeyRef): unknown[] => {
      if (ref.kind !== 'config') return [];
      if (Object.hasOwn(hyper.common, ref.path)) return [hyper.common[ref.path]];
      const id = `hp:${ref.path}`;
      const seen = new Set<unknown>();
      for (const row of Object.values(hyper.values)) {
        const v = row[id];
        if (v !== undefined) seen.add(v);
        if (seen.size >= MAX_VALUES) break;
      }
      return [...seen].sort((a, b) =>
        typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)),
      );
    },
    [hyper],
  );

  const suggest = useCallback(
    (value: string, cursor: number) => {
      const c = suggestCompletions(value, cursor, index, valuesOf);
      setCompletions(c.items.length ? c : null);
      setActive(0);
    },
    [index, valuesOf],
  );

  const accept = (i: number) => {
    const item = completions?.items[i];
    const el = input.current;
    if (!item || !completions || !el) return;
    const before = text.slice(0, completions.from);
    const after = text.slice(completions.to);
    // a name, an operator or a value is followed by a space; an opening parenthesis or `tag:` is not
    const spaced = /[(:]$/.test(item.insert) ? item.insert : `${item.insert} `;
    const next = `${before}${spaced}${after.replace(/^ /, '')}`;
    dispatch(expressionChanged(next));
    const cursor = before.length + spaced.length;
    requestAnimationFrame(() => {
      el.setSelectionRange(cursor, cursor);
      suggest(next, cursor);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const n = Math.min(SHOWN_COMPLETIONS, completions?.items.length ?? 0);
    if (e.key === 'Escape') {
      if (completions) e.preventDefault();
      setCompletions(null);
    } else if (n && e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => (a + 1) % n);
    } else if (n && e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a - 1 + n) % n);
    } else if (n && (e.key === 'Enter' || e.key === 'Tab')) {
      e.preventDefault();
      accept(active);
    }
  };

  const error = compiled.ok ? null : compiled;
  const listId = 'expression-completions';
  const status = useMemo(() => {
    if (error) return error.message;
    if (passing) return `${passing.size} of ${total} experiments match`;
    return 'config keys (lr, batch_size…), scores (val/F1_SCORE_macro), status, tag:name; and, or, not';
  }, [error, passing, total]);

  return (
    <Box sx={{ minWidth, flex: 1 }}>
      <TextField
        size="small"
        fullWidth
        label="Filter by expression"
        placeholder="e.g. lr < 0.01 and val/F1_SCORE_macro > 0.9 and status != failed"
        value={text}
        error={error !== null}
        data-testid="expression-filter"
        inputRef={input}
        onChange={(e) => {
          dispatch(expressionChanged(e.target.value));
          suggest(e.target.value, e.target.selectionStart ?? e.target.value.length);
        }}
        onKeyDown={onKeyDown}
        onKeyUp={(e) => {
          if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'Home' || e.key === 'End')
            suggest(text, input.current?.selectionStart ?? text.length);
        }}
        onFocus={() => suggest(text, input.current?.selectionStart ?? text.length)}
        onClick={() => suggest(text, input.current?.selectionStart ?? text.length)}
        onBlur={() => setCompletions(null)}
        helperText={
          <span data-testid="expression-status" role={error ? 'alert' : undefined}>
            {status}
          </span>
        }
        slotProps={{
          input: {
            startAdornment: (
              <InputAdornment position="start">
                <FunctionsIcon fontSize="small" />
              </InputAdornment>
            ),
          },
          htmlInput: {
            role: 'combobox',
            spellCheck: false,
            autoComplete: 'off',
            'aria-autocomplete': 'list',
            'aria-expanded': completions !== null,
            'aria-controls': completions ? listId : undefined,
            'aria-activedescendant': completions ? `${listId}-${active}` : undefined,
          },
        }}
      />
      {error && (
        // the expression with the part in question underlined
        <Typography
          component="div"
          data-testid="expression-error-mark"
          aria-hidden
          sx={{ fontSize: 13, whiteSpace: 'pre-wrap', color: 'text.secondary', px: 1.75 }}
        >
          {text.slice(0, error.error.start)}
          <Box
            component="span"
            sx={{ textDecoration: 'underline wavy', textDecorationColor: '#d32f2f', color: 'error.main' }}
          >
            {text.slice(error.error.start, error.error.end) || ' '}
          </Box>
          {text.slice(error.error.end)}
        </Typography>
      )}
      <Popper open={completions !== null} anchorEl={input.current} placement="bottom-start" sx={{ zIndex: 1300 }}>
        <Paper elevation={6} sx={{ maxHeight: 320, overflow: 'auto', minWidth: 280 }}>
          {/* plain elements: the list is made again at every keystroke */}
          <Box component="ul" id={listId} role="listbox" aria-label="Completions" sx={LIST_SX}>
            {completions?.items.slice(0, SHOWN_COMPLETIONS).map((item, i) => (
              <li
                key={`${item.label}-${i}`}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                // the box keeps the focus: a click accepts without blurring it first
                onMouseDown={(e) => {
                  e.preventDefault();
                  accept(i);
                }}
              >
                <span className="label">{item.label}</span>
                <span className="detail">{item.detail}</span>
              </li>
            ))}
          </Box>
        </Paper>
      </Popper>
    </Box>
  );
}
