import type { ReactNode } from 'react';
import { Box, Paper, Typography } from '@mui/material';

/** A titled card of label/value lines (the original's Overview / Times / State cards). */
export function KeyValueList({
  title,
  items,
  testId,
}: {
  title: string;
  items: Array<[string, ReactNode]>;
  testId?: string;
}) {
  return (
    <Paper variant="outlined" sx={{ p: 2, flex: 1, minWidth: 260 }} data-testid={testId}>
      <Typography color="text.secondary" component="h3" sx={{ mb: 1 }}>
        {title}
      </Typography>
      <Box component="dl" sx={{ m: 0, display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: 2, rowGap: 0.5 }}>
        {items.map(([k, v]) => (
          <Box key={k} sx={{ display: 'contents' }}>
            <Box component="dt" sx={{ color: 'text.primary' }}>
              {k}
            </Box>
            <Box
              component="dd"
              data-field={k}
              sx={{ m: 0, textAlign: 'right', color: 'primary.main', fontWeight: 600, wordBreak: 'break-word' }}
            >
              {v}
            </Box>
          </Box>
        ))}
      </Box>
    </Paper>
  );
}
