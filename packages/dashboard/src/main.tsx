import './app/noEval';
import { debugSwitches } from './app/debugSwitches';
import { preloadPage } from './app/pageChunks';
import { createSocketWorker } from './features/connection/createSocketWorker';
import { startEarlySocketWorker } from './features/connection/earlySocketWorker';
import { readToken } from './features/auth/tokenStorage';
import { initialSettings } from './features/settings/settingsStorage';

// Only what connecting needs loads first: the socket worker connects and streams the stored history
// while the application's code loads and mounts (bootApp is a chunk of its own).
const { settings, fromUrl, refused } = initialSettings(localStorage, window.location.search);
const early = fromUrl
  ? startEarlySocketWorker(
      settings,
      debugSwitches.batching,
      createSocketWorker,
      readToken(sessionStorage, settings.socketConnectionUrl),
    )
  : undefined;
preloadPage(window.location.pathname);
void import('./bootApp').then(({ bootApp }) => bootApp({ settings, fromUrl, refused, early }));
