import { useState } from 'react';
import { CircularProgress, IconButton, Tooltip } from '@mui/material';
import DownloadIcon from '@mui/icons-material/SimCardDownload';
import { buildReport } from '../../connection/report/buildReport';
import { serverErrorReceived } from '../../connection/connectionSlice';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { saveText } from '../../shared/saveFile';

/**
 * Download report: the grid search on screen as one HTML file that opens anywhere, offline (the same file as
 * `ml_board export` writes). Not shown in a report itself.
 */
export function DownloadReportButton() {
  const settings = useAppSelector((s) => s.settings);
  const dispatch = useAppDispatch();
  const [step, setStep] = useState<string | null>(null);
  const { gridSearchId: gs, socketConnectionUrl: ws, restApiUrl: rest } = settings.current;
  if (settings.report || !settings.requested || !gs) return null;
  const download = () => {
    setStep('starting');
    buildReport({ ws, rest, gs, tokens: sessionStorage, boardUrl: `${window.location.origin}/`, progress: setStep })
      .then(({ html }) => saveText(html, `${gs}.report.html`, 'text/html'))
      .catch((e: unknown) => dispatch(serverErrorReceived(`Download report: ${(e as Error).message}`)))
      .finally(() => setStep(null));
  };
  return (
    <Tooltip title={step ? `Making the report: ${step}…` : 'Download report (one HTML file, opens offline)'}>
      <span>
        <IconButton aria-label="Download report" onClick={download} disabled={step !== null}>
          {step ? <CircularProgress size={20} /> : <DownloadIcon />}
        </IconButton>
      </span>
    </Tooltip>
  );
}
