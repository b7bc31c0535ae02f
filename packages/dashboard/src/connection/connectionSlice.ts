import { createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import { dataReceived } from './events/dataActions';
import type { LeftOut } from './events/dataUpdate';
import { connectRequested, settingsCleared } from './settings/settingsSlice';

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting';

export interface Notice {
  id: number;
  severity: 'success' | 'error' | 'warning' | 'info';
  text: string;
}

export interface ConnectionState {
  status: ConnectionStatus;
  /** Whether this connection was established at least once (reconnects keep the data). */
  everConnected: boolean;
  /** Events received over this connection (the statistics panel's "Messages received"). */
  messages: number;
  /** Round trip of the last ping in ms (-1: none yet). */
  ping: number;
  /** Events per second over the last second. */
  throughput: number;
  /** Highest event id applied; a reconnect resumes after it. */
  lastEventId: number;
  /** Whether the stored history was fully received; `historyEvents` is how many events the log held then. */
  historyDone: boolean;
  historyEvents: number | null;
  /** The websocket endpoint's list does not know this grid search (null: not asked). */
  gridSearchKnown: boolean | null;
  /** Why the last connection attempt failed (shown while retrying). */
  error: string | null;
  /** The code of an authentication refusal of the last attempt (AUTH_REQUIRED, …), or null. */
  authCode: string | null;
  connectAttempts: number;
  serverError: string | null;
  unknownEvents: number;
  malformedEvents: number;
  missingScores: number;
  problems: string[];
  notice: Notice | null;
  /** What the board's limits left out of this grid search (BOARD_LIMITS): listed, never drawn. */
  leftOut: LeftOut;
}

const initialState: ConnectionState = {
  status: 'idle',
  everConnected: false,
  messages: 0,
  ping: -1,
  throughput: 0,
  lastEventId: -1,
  historyDone: false,
  historyEvents: null,
  gridSearchKnown: null,
  error: null,
  authCode: null,
  connectAttempts: 0,
  serverError: null,
  unknownEvents: 0,
  malformedEvents: 0,
  missingScores: 0,
  problems: [],
  notice: null,
  leftOut: { seriesNames: [], series: 0, scores: 0, experimentEvents: 0 },
};

declare module '../store/rootState' {
  interface RootState {
    connection: ConnectionState;
  }
}

function notify(state: ConnectionState, severity: Notice['severity'], text: string) {
  state.notice = { id: (state.notice?.id ?? 0) + 1, severity, text };
}

export const connectionSlice = createSlice({
  name: 'connection',
  initialState,
  reducers: {
    socketConnected(state, action: PayloadAction<{ reconnect: boolean }>) {
      const again = state.everConnected;
      state.status = 'connected';
      state.everConnected = true;
      state.error = null;
      state.authCode = null;
      state.connectAttempts = 0;
      notify(
        state,
        'success',
        again || action.payload.reconnect ? 'Socket reconnected' : 'Socket Connection Successful',
      );
    },
    socketDisconnected(state, action: PayloadAction<{ reason: string }>) {
      if (state.status === 'connected') notify(state, 'warning', 'Socket disconnected, reconnecting…');
      state.status = state.everConnected ? 'reconnecting' : 'connecting';
      state.error = action.payload.reason;
      state.ping = -1;
      state.throughput = 0;
    },
    socketConnectError(state, action: PayloadAction<{ message: string; attempt: number; code?: string | null }>) {
      if (state.connectAttempts === 0 && !state.everConnected) notify(state, 'error', 'Socket Connection Failed');
      state.status = state.everConnected ? 'reconnecting' : 'connecting';
      state.error = action.payload.message;
      state.authCode = action.payload.code ?? null;
      state.connectAttempts = action.payload.attempt;
    },
    statsReceived(state, action: PayloadAction<{ ping: number; throughput: number; messages: number }>) {
      state.ping = action.payload.ping;
      state.throughput = action.payload.throughput;
      state.messages = action.payload.messages;
    },
    historyDone(state, action: PayloadAction<{ nextEventId: number }>) {
      state.historyDone = true;
      state.historyEvents = action.payload.nextEventId;
    },
    roomKnown(state, action: PayloadAction<boolean>) {
      state.gridSearchKnown = action.payload;
    },
    serverErrorReceived(state, action: PayloadAction<string>) {
      state.serverError = action.payload;
      notify(state, 'error', action.payload);
    },
    noticeShown(state, action: PayloadAction<Omit<Notice, 'id'>>) {
      notify(state, action.payload.severity, action.payload.text);
    },
    noticeDismissed(state) {
      state.notice = null;
    },
  },
  extraReducers: (builder) => {
    builder
      .addCase(connectRequested, (state) => ({ ...initialState, status: 'connecting', notice: state.notice }))
      .addCase(settingsCleared, (state) => ({ ...initialState, notice: state.notice }))
      .addCase(dataReceived, (state, { payload }) => {
        state.lastEventId = Math.max(state.lastEventId, payload.lastEventId);
        state.unknownEvents += payload.unknown;
        state.malformedEvents += payload.malformed;
        state.missingScores += payload.missingScores;
        if (payload.problems.length) state.problems = [...state.problems, ...payload.problems].slice(-5);
        const more = payload.leftOut;
        if (more) {
          const l = state.leftOut;
          if (more.seriesNames.length) l.seriesNames = [...l.seriesNames, ...more.seriesNames];
          l.series += more.series;
          l.scores += more.scores;
          l.experimentEvents += more.experimentEvents;
        }
      });
  },
});

export const {
  socketConnected,
  socketDisconnected,
  socketConnectError,
  statsReceived,
  historyDone,
  roomKnown,
  serverErrorReceived,
  noticeShown,
  noticeDismissed,
} = connectionSlice.actions;
