import './shared/noEval';
import { debugSwitches } from './shared/debugSwitches';
import { preloadPage } from './app/pageChunks';
import { createSocketWorker } from './connection/createSocketWorker';
import { startEarlySocketWorker } from './connection/earlySocketWorker';
import { readToken } from './connection/auth/tokenStorage';
import { initialSettings } from './connection/settings/settingsStorage';

// Only what connecting needs loads first: the socket worker connects and streams the stored history
// while the application's code loads and mounts (bootApp is a chunk of its own).
const { settings, also, fromUrl, refused } = initialSettings(localStorage, window.location.search);
const early = fromUrl
  ? startEarlySocketWorker(
      settings,
      debugSwitches.batching,
      createSocketWorker,
      readToken(sessionStorage, settings.socketConnectionUrl),
    )
  : undefined;
preloadPage(window.location.pathname);
void import('./bootApp').then(({ bootApp }) => bootApp({ settings, also, fromUrl, refused, early }));
