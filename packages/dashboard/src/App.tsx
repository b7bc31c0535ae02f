import { CssBaseline, ThemeProvider, createTheme } from '@mui/material';
import { Provider } from 'react-redux';
import { BrowserRouter } from 'react-router-dom';
import type { AppStore } from './app/store';
import { AppShell } from './app/shell/AppShell';

// System fonts only: the board must work with no network.
const theme = createTheme({
  typography: {
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  },
  palette: { primary: { main: '#1976d2' }, background: { default: '#f6f7f9' } },
});

export function App({ store }: { store: AppStore }) {
  return (
    <Provider store={store}>
      <ThemeProvider theme={theme}>
        <CssBaseline />
        <BrowserRouter>
          <AppShell />
        </BrowserRouter>
      </ThemeProvider>
    </Provider>
  );
}
