import { createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { AuthErrorCode } from '@mlgym/protocol';
import { settingsCleared } from '../settings/settingsSlice';

/** Which endpoint refused: the board names it in the token dialog. */
export type EndpointKind = 'websocket' | 'REST';

export interface AuthRefusal {
  /** The endpoint's origin: the token entered is kept for it alone. */
  origin: string;
  kind: EndpointKind;
  code: AuthErrorCode;
  message: string;
}

export interface AuthState {
  /** The refusal the token dialog asks about (AUTH_REQUIRED or AUTH_INVALID), or null. */
  prompt: AuthRefusal | null;
  /** Origins whose dialog the person closed without a token: not asked again until they sign in from Settings. */
  declined: string[];
  /** The last refusal per origin that a token cannot fix by itself (AUTH_FORBIDDEN, HOST_NOT_ALLOWED). */
  refused: Record<string, AuthRefusal>;
  /** Bumped whenever a token is entered or forgotten: requests made with the old one are repeated. */
  generation: number;
}

const initialState: AuthState = { prompt: null, declined: [], refused: {}, generation: 0 };

declare module '../../store/rootState' {
  interface RootState {
    auth: AuthState;
  }
}

const asksForToken = (code: AuthErrorCode) => code === 'AUTH_REQUIRED' || code === 'AUTH_INVALID';

export const authSlice = createSlice({
  name: 'auth',
  initialState,
  reducers: {
    /** An endpoint refused a request or a handshake with one of the contract's codes. */
    authRefused(state, { payload }: PayloadAction<AuthRefusal>) {
      if (!asksForToken(payload.code)) {
        state.refused[payload.origin] = payload;
        return;
      }
      delete state.refused[payload.origin];
      if (state.declined.includes(payload.origin)) return;
      // one dialog at a time; the first endpoint that asked keeps it
      if (state.prompt === null || state.prompt.origin === payload.origin) state.prompt = payload;
    },
    /** The person entered a token for the prompt's origin (kept in sessionStorage by the dialog). */
    tokenEntered(state, { payload }: PayloadAction<{ origin: string }>) {
      if (state.prompt?.origin === payload.origin) state.prompt = null;
      state.declined = state.declined.filter((o) => o !== payload.origin);
      delete state.refused[payload.origin];
      state.generation++;
    },
    /** The token of an origin was forgotten (Settings' "Sign out"). */
    tokenForgotten(state, { payload }: PayloadAction<{ origin: string }>) {
      state.declined = state.declined.filter((o) => o !== payload.origin);
      state.generation++;
    },
    /** The person closed the dialog without a token. */
    promptDismissed(state) {
      if (state.prompt) state.declined.push(state.prompt.origin);
      state.prompt = null;
    },
    /** Settings asks for a token for an endpoint on purpose ("Sign in"). */
    signInRequested(state, { payload }: PayloadAction<{ origin: string; kind: EndpointKind }>) {
      state.declined = state.declined.filter((o) => o !== payload.origin);
      state.prompt = { ...payload, code: 'AUTH_REQUIRED', message: 'Enter a token for this endpoint.' };
    },
  },
  extraReducers: (builder) => {
    builder.addCase(settingsCleared, (state) => ({ ...initialState, generation: state.generation }));
  },
});

export const { authRefused, tokenEntered, tokenForgotten, promptDismissed, signInRequested } = authSlice.actions;
