import { useState } from 'react';
import { Box, Button, Collapse, Paper, Typography } from '@mui/material';
import ExpandLessIcon from '@mui/icons-material/ExpandLess';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import { AnnotationPanel } from '../../analysis/annotations/AnnotationPanel';
import { selectAnnotation } from '../../analysis/annotations/annotationSelectors';
import { TagList } from '../../analysis/annotations/TagList';
import { useAppSelector } from '../../store/hooks';
import { formatTime } from '../../shared/cellFormat';

/** The first line of a note, without its Markdown marks, for the header's summary. */
function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.replace(/^[#>*\-\s]+/, '').replace(/[*_`]/g, '');
}

/**
 * Above every page: the grid search, its tags and the first line of its note; "Tags & note" opens them for
 * editing. A report says what it is: when it was exported, from where, how many of the log's events it keeps.
 */
export function GridSearchHeader() {
  const gs = useAppSelector((s) => s.settings.current.gridSearchId);
  const requested = useAppSelector((s) => s.settings.requested);
  const report = useAppSelector((s) => s.settings.report);
  const target = useAppSelector((s) => selectAnnotation(s, null));
  const [open, setOpen] = useState(false);
  if (!requested || !gs) return null;
  const note = target.note?.text ? firstLine(target.note.text) : '';
  return (
    <Paper variant="outlined" sx={{ px: 2, py: 1, mb: 2 }} data-testid="grid-search-header">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, flexWrap: 'wrap', minHeight: 32 }}>
        <Typography variant="subtitle2" component="h2" sx={{ fontWeight: 700 }}>
          Grid search {gs}
        </Typography>
        <TagList tags={target.tags} />
        {note && (
          <Typography variant="body2" color="text.secondary" noWrap sx={{ flex: 1, minWidth: 120 }}>
            {note}
          </Typography>
        )}
        <Box sx={{ flex: note ? 0 : 1 }} />
        <Button
          size="small"
          onClick={() => setOpen((o) => !o)}
          endIcon={open ? <ExpandLessIcon /> : <ExpandMoreIcon />}
          aria-expanded={open}
        >
          Tags & note
        </Button>
      </Box>
      {report && (
        <Typography variant="caption" color="text.secondary" component="p" data-testid="report-info">
          Report exported {formatTime(Date.parse(report.exportedAt) / 1000)} from {report.source}: read-only, no
          network; {report.logEvents.toLocaleString('en-US')} events in the log (the last progress event of each
          experiment kept), no checkpoints or model cards.
        </Typography>
      )}
      <Collapse in={open} unmountOnExit>
        <Box sx={{ pt: 1.5, pb: 1, maxWidth: 900 }}>
          <AnnotationPanel experimentId={null} dense />
        </Box>
      </Collapse>
    </Paper>
  );
}
