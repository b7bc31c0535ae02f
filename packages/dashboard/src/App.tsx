import { CssBaseline, ThemeProvider, createTheme } from '@mui/material';
import { Provider } from 'react-redux';
import { BrowserRouter, HashRouter } from 'react-router-dom';
import type { AppStore } from './app/store';
import { AppShell } from './app/shell/AppShell';

// System fonts only: the board must work with no network.
const theme = createTheme({
  typography: {
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  },
  palette: { primary: { main: '#1976d2' }, background: { default: '#f6f7f9' } },
});

/** `hash`: pages in the URL's fragment (report.html#/dashboard), for a report opened from a file. */
export function App({ store, router = 'browser' }: { store: AppStore; router?: 'browser' | 'hash' }) {
  const Router = router === 'hash' ? HashRouter : BrowserRouter;
  return (
    <Provider store={store}>
      <ThemeProvider theme={theme}>
        <CssBaseline />
        <Router>
          <AppShell />
        </Router>
      </ThemeProvider>
    </Provider>
  );
}
