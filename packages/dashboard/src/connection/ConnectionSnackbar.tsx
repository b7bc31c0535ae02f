import { Alert, Snackbar } from '@mui/material';
import { useAppDispatch, useAppSelector } from '../store/hooks';
import { noticeDismissed } from './connectionSlice';

/** Disconnected / reconnected / failed, bottom centre, as the original. */
export function ConnectionSnackbar() {
  const notice = useAppSelector((s) => s.connection.notice);
  const dispatch = useAppDispatch();
  const close = () => dispatch(noticeDismissed());
  return (
    <Snackbar
      key={notice?.id}
      open={notice !== null}
      autoHideDuration={3000}
      onClose={(_e, reason) => reason !== 'clickaway' && close()}
      anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
    >
      {notice ? (
        <Alert severity={notice.severity} onClose={close} variant="filled" sx={{ minWidth: 280 }}>
          {notice.text}
        </Alert>
      ) : undefined}
    </Snackbar>
  );
}
