import type { Dispatch } from '@reduxjs/toolkit';
import { api as restApi } from './rest/api';
import { authRefused, tokenEntered, tokenForgotten } from './auth/authSlice';
import type { TokenStore } from './auth/tokenStorage';
import { originOf, readToken } from './auth/tokenStorage';
import { dataReceived, dataReset } from './events/dataActions';
import { alsoShown, connectRequested, settingsCleared } from './settings/settingsSlice';
import { rekeyUpdate } from './events/rekeyUpdate';
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
          snapshot: message.timeline.snapshot
            ? { ...message.timeline.snapshot, at: toPage(message.timeline.snapshot.at) }
            : null,
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
 * A further grid search's worker (several on one page): its data is keyed by (grid search, id) and
 * joins the store; the connection's state (connected, retrying, the endpoint's refusals) is the first
 * grid search's, from the same endpoints, and this one only adds what concerns it alone.
 */
function forwardOther(dispatch: Dispatch, message: FromWorker, index: number, gridSearchId: string): void {
  switch (message.type) {
    case 'data':
      dispatch(dataReceived(rekeyUpdate(message.update, index)));
      perfHooks().events += message.update.events;
      return;
    case 'roomKnown':
      if (!message.known)
        dispatch(
          serverErrorReceived(
            `The websocket endpoint knows no grid search "${gridSearchId}" (shown beside the first).`,
          ),
        );
      return;
    case 'serverError':
      return void dispatch(serverErrorReceived(`${gridSearchId}: ${message.message}`));
    default:
      return;
  }
}

/**
 * Owns the socket workers, one per grid search shown: a connection request saves the settings,
 * forgets the old data and starts fresh workers; a worker reconnects by itself, so a dropped socket
 * keeps the data. With several grid searches, the history counts as done when every one's is.
 */
export function startConnectionListening(
  startListening: AppStartListening,
  options: ConnectionListenerOptions,
): { close: () => void } {
  let workers: WorkerLike[] = [];
  const post = (message: ToWorker) => {
    for (const w of workers) w.postMessage(message);
  };
  const close = () => {
    post({ type: 'close' });
    for (const w of workers) w.terminate();
    workers = [];
  };

  const connect = (settings: Settings, also: readonly string[], dispatch: Dispatch) => {
    close();
    dispatch(dataReset());
    // The slice's forms only offer complete http(s) settings; anything else never reaches a worker.
    if (!isComplete(settings)) return;
    const names = [settings.gridSearchId, ...also];
    /** The first grid search's historyDone, held until every grid search's history is in. */
    let held: FromWorker | null = null;
    let pending = names.length;
    names.forEach((gridSearchId, index) => {
      const own: Settings = { ...settings, gridSearchId };
      const adopted = index === 0 ? options.adoptWorker?.(own) : undefined;
      const w = adopted ?? options.createWorker();
      workers.push(w);
      w.onmessage = (event: MessageEvent) => {
        if (!workers.includes(w)) return;
        const message = event.data as FromWorker;
        if (message.type === 'historyDone' && pending > 0) {
          pending--;
          if (index === 0) held = message;
          if (pending === 0 && held) forward(dispatch, held, settings);
        } else if (index === 0) forward(dispatch, message, settings);
        else forwardOther(dispatch, message, index, gridSearchId);
        // Ask for the next batch once this one is drawn; a snapshot's parts before its last draw nothing
        // (the page renders once it has them all): the next is asked for at once.
        if (message.type === 'data') {
          const part = message.update.part;
          if (part && part.index < part.of - 1) w.postMessage({ type: 'ack' });
          else afterPaint(() => workers.includes(w) && w.postMessage({ type: 'ack' }));
        }
      };
      if (!adopted)
        w.postMessage({
          type: 'connect',
          settings: own,
          lastEventId: -1,
          batching: debugSwitches.batching,
          snapshot: debugSwitches.snapshot,
          token: readToken(options.tokens, settings.socketConnectionUrl),
        } satisfies ToWorker);
    });
  };

  startListening({
    actionCreator: connectRequested,
    effect: (action, api) => {
      if (action.meta.save) writeStoredSettings(options.storage, action.payload);
      connect(action.payload, api.getState().settings.also, api.dispatch);
    },
  });
  // Other grid searches beside the first: all of them stream again, keyed anew.
  startListening({
    actionCreator: alsoShown,
    effect: (_action, api) => {
      const { current, requested, also } = api.getState().settings;
      if (requested) connect(current, also, api.dispatch);
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
