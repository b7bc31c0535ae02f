import { useMemo, useState } from 'react';
import { Stack, Typography } from '@mui/material';
import type { RootState } from '../../store/rootState';
import { useAppSelector } from '../../store/hooks';
import { rungReached } from './searchLadder';
import { trialsAdapter } from './searchSlice';

const selectTrials = trialsAdapter.getSelectors((s: RootState) => s.search).selectAll;

/** Rung colours, low to high: a stopped-early line is pale, the lines that reached the top are strong. */
export const RUNG_COLOURS = ['#bdbdbd', '#90caf9', '#42a5f5', '#1565c0', '#0d47a1', '#311b92'];
const NO_RUNG = '#e0e0e0';
export const rungColour = (rung: number) =>
  rung < 0 ? NO_RUNG : (RUNG_COLOURS[Math.min(rung, RUNG_COLOURS.length - 1)] as string);

/** Whether the sweep may colour its lines by the rung each experiment's trial reached, and that colouring. */
export function useRungColours() {
  const trials = useAppSelector(selectTrials);
  const [on, set] = useState(false);
  const reached = useMemo(() => rungReached(trials), [trials]);
  return {
    available: trials.length > 0,
    on: on && trials.length > 0,
    set,
    colorOf: (experimentId: number) => rungColour(reached.get(experimentId) ?? -1),
  };
}

/** The legend of the rung colours, with each rung's epochs from the search's plan. */
export function RungLegend() {
  const plan = useAppSelector((s) => s.search.plan);
  const rungs = plan?.brackets[0]?.rungs ?? [];
  return (
    <Stack direction="row" sx={{ gap: 2, flexWrap: 'wrap', px: 1 }} aria-label="Rung colours">
      {rungs.map((r) => (
        <Typography key={r.rung} variant="body2" sx={{ display: 'flex', alignItems: 'center', gap: 0.5 }}>
          <span style={{ width: 16, height: 4, background: rungColour(r.rung), display: 'inline-block' }} />
          {`rung ${r.rung} (${r.epochs} epochs)`}
        </Typography>
      ))}
    </Stack>
  );
}
