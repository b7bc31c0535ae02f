import type { Dispatch } from '@reduxjs/toolkit';
import { api as restApi } from './rest/api';
import { authRefused, tokenEntered, tokenForgotten } from './auth/authSlice';
import type { TokenStore } from './auth/tokenStorage';
import { originOf, readToken } from './auth/tokenStorage';
import { dataReceived, dataReset } from './events/dataActions';
import { connectRequested, settingsCleared } from './settings/settingsSlice';
import { EMPTY_SETTINGS, isComplete, writeStoredSettings } from './settings/settingsStorage';
import type { Settings } from './settings/settingsStorage';
import { debugSwitches } from '../shared/debugSwitches';
import { perfHooks } from '../shared/perfHooks';
import {
  historyDone,
  roomKnown,
  serverErrorReceived,
  socketConnectError,
  socketConnected,
  socketDisconnected,
  statsReceived,
} from './connectionSlice';
import type { WorkerLike } from './createSocketWorker';
import type { FromWorker, ToWorker } from './worker/workerMessages';
import type { AppDispatch, AppStartListening, RootState } from '../store/rootState';

export interface ConnectionListenerOptions {
  createWorker: () => WorkerLike;
  /** A worker already connecting with these settings (started before the app loaded), if any. */
  adoptWorker?: (settings: Settings) => WorkerLike | undefined;
  storage: Storage | undefined;
  /** Where tokens are kept (sessionStorage): the worker gets the websocket endpoint's. */
  tokens?: TokenStore | undefined;
}

function afterPaint(callback: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(callback, 0));
  else setTimeout(callback, 0);
}

function forward(dispatch: Dispatch, message: FromWorker, settings: Settings): void {
  const wsOrigin = originOf(settings.socketConnectionUrl);
  switch (message.type) {
    case 'connected':
      perfHooks().connectedAt ??= performance.now();
      return void dispatch(socketConnected({ reconnect: message.reconnect }));
    case 'disconnected':
      return void dispatch(socketDisconnected({ reason: message.reason }));
    case 'connectError':
      if (message.code && wsOrigin)
        dispatch(authRefused({ origin: wsOrigin, kind: 'websocket', code: message.code, message: message.message }));
      return void dispatch(
        socketConnectError({ message: message.message, attempt: message.attempt, code: message.code ?? null }),
      );
    case 'stats':
      return void dispatch(statsReceived(message));
    case 'data': {
      const t0 = performance.now();
      dispatch(dataReceived(message.update));
      const hooks = perfHooks();
      hooks.events += message.update.events;
      hooks.posts.push([t0, performance.now() - t0, message.update.events]);
      if (hooks.posts.length > 200) hooks.posts.shift();
      return;
    }
    case 'historyDone':
      // a mark for performance measurements (the bench:board reads it)
      globalThis.performance?.mark?.('mlboard:history-done');
      dispatch(historyDone({ nextEventId: message.nextEventId }));
      perfHooks().historyDoneAt ??= performance.now();
      if (message.timeline) {
        const toPage = (epochMs: number) => epochMs - performance.timeOrigin;
        perfHooks().timeline = {
          firstChunk: toPage(message.timeline.firstChunk),
          historyReceived: toPage(message.timeline.historyReceived),
          workerFoldMs: message.timeline.foldMs,
        };
      }
      return;
    case 'roomKnown':
      return void dispatch(roomKnown(message.known));
    case 'serverError':
      // the banner of refusals says it once (a second banner and a toast repeated the same words)
      if (message.code === 'AUTH_FORBIDDEN' && wsOrigin) {
        return void dispatch(
          authRefused({ origin: wsOrigin, kind: 'websocket', code: 'AUTH_FORBIDDEN', message: message.message }),
        );
      }
      return void dispatch(serverErrorReceived(message.message));
  }
}

/**
 * Owns the socket worker: a connection request saves the settings, forgets the old data and
 * starts a fresh worker; the worker reconnects by itself, so a dropped socket keeps the data.
 */
export function startConnectionListening(
  startListening: AppStartListening,
  options: ConnectionListenerOptions,
): { close: () => void } {
  let worker: WorkerLike | undefined;
  const post = (message: ToWorker) => worker?.postMessage(message);
  const close = () => {
    post({ type: 'close' });
    worker?.terminate();
    worker = undefined;
  };

  startListening({
    actionCreator: connectRequested,
    effect: (action, api) => {
      close();
      api.dispatch(dataReset());
      if (action.meta.save) writeStoredSettings(options.storage, action.payload);
      // The slice's forms only offer complete http(s) settings; anything else never reaches a worker.
      if (!isComplete(action.payload)) return;
      const adopted = options.adoptWorker?.(action.payload);
      const w = adopted ?? options.createWorker();
      worker = w;
      w.onmessage = (event: MessageEvent) => {
        if (worker !== w) return;
        const message = event.data as FromWorker;
        forward(api.dispatch, message, action.payload);
        // Ask for the next batch once this one is drawn.
        if (message.type === 'data') afterPaint(() => worker === w && post({ type: 'ack' }));
      };
      if (!adopted)
        post({
          type: 'connect',
          settings: action.payload,
          lastEventId: -1,
          batching: debugSwitches.batching,
          token: readToken(options.tokens, action.payload.socketConnectionUrl),
        });
    },
  });
  // A token entered or forgotten: every REST request is made again with it, and the worker's next
  // handshake carries the websocket endpoint's (the data it holds stays).
  const tokenChanged = (origin: string, api: { dispatch: AppDispatch; getState: () => RootState }) => {
    api.dispatch(restApi.util.invalidateTags(['Auth']));
    const { current, requested } = api.getState().settings;
    if (requested && originOf(current.socketConnectionUrl) === origin)
      post({ type: 'token', token: readToken(options.tokens, current.socketConnectionUrl) });
  };
  startListening({ actionCreator: tokenEntered, effect: (a, api) => tokenChanged(a.payload.origin, api) });
  startListening({ actionCreator: tokenForgotten, effect: (a, api) => tokenChanged(a.payload.origin, api) });
  startListening({
    actionCreator: settingsCleared,
    effect: (_action, api) => {
      close();
      api.dispatch(dataReset());
      writeStoredSettings(options.storage, EMPTY_SETTINGS);
    },
  });
  return { close };
}
