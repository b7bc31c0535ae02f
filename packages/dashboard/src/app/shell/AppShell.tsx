import { Suspense, useState } from 'react';
import { Box, LinearProgress, Toolbar } from '@mui/material';
import { Route, Routes, useLocation } from 'react-router-dom';
import { ROUTES } from '../routes';
import { useAppSelector } from '../../store/hooks';
import { ConnectionBanner } from './ConnectionBanner';
import { GridSearchHeader } from './GridSearchHeader';
import { ConnectionSnackbar } from '../../connection/ConnectionSnackbar';
import { TokenDialog } from '../../connection/auth/TokenDialog';
import { ConfigPopup } from '../../features/settings/ConfigPopup';
import { useSettingsInUrl } from '../../features/settings/useSettingsInUrl';
import { useAnalysisViewInUrl } from '../../analysis/view/useAnalysisViewInUrl';
import { NavDrawer } from './NavDrawer';
import { NotFoundPage } from './NotFoundPage';
import { TopBar } from './TopBar';

/** Top bar, drawer, connection popup and messages around the routed page; none of it on the 404 page. */
export function AppShell() {
  const { pathname } = useLocation();
  const route = ROUTES.find((r) => r.path === pathname);
  const requested = useAppSelector((s) => s.settings.requested);
  const report = useAppSelector((s) => s.settings.report !== null);
  const [drawer, setDrawer] = useState(false);
  const [popup, setPopup] = useState(false);
  useSettingsInUrl();
  useAnalysisViewInUrl();
  if (!route) return <NotFoundPage />;
  return (
    <>
      <TopBar title={route.title} onMenu={() => setDrawer(true)} onConnection={() => setPopup(true)} />
      <NavDrawer open={drawer} onClose={() => setDrawer(false)} />
      <Box component="main" sx={{ p: { xs: 1, md: 3 } }}>
        <Toolbar />
        <ConnectionBanner />
        <GridSearchHeader />
        <Suspense fallback={<LinearProgress aria-label="Loading the page" />}>
          <Routes>
            {ROUTES.map((r) => (
              <Route key={r.path} path={r.path} element={r.element} />
            ))}
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </Box>
      {/* a report opened from a file connects to nothing */}
      {!report && (
        <ConfigPopup
          open={(route.popup && !requested) || popup}
          onClose={requested ? () => setPopup(false) : undefined}
        />
      )}
      {!report && <TokenDialog />}
      {!report && <ConnectionSnackbar />}
    </>
  );
}
