// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { connectRequested } from '../../connection/settings/settingsSlice';
import { dataReceived } from '../../connection/events/dataActions';
import { createEventFolder } from '../../connection/events/eventFolder';
import { annotation } from '../../test/events';
import { renderWithProviders } from '../../test/renderWithProviders';
import { AnnotationPanel } from './AnnotationPanel';

afterEach(cleanup);

const WS = 'http://127.0.0.1:5002';
const settings = { gridSearchId: '2024-01-01--00-00-00', socketConnectionUrl: WS, restApiUrl: 'http://127.0.0.1:5001' };

/** The websocket endpoint as the board meets it: who the token is, and the annotations route (recorded). */
function endpoint(scope: 'read' | 'write' | null, authRequired: boolean) {
  const posts: unknown[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url);
    if (url.pathname === '/whoami')
      return Response.json({
        auth_required: authRequired,
        public_reads: false,
        name: null,
        scope,
        grid_searches: null,
      });
    if (url.pathname.startsWith('/annotations/') && request.method === 'POST') {
      posts.push(await request.json());
      return Response.json({ event_id: 9, target: { tags: ['best'], note: null, replaced: null } });
    }
    return Response.json({ code: 'NOT_FOUND', message: 'no' }, { status: 404 });
  };
  return { fetchFn, posts };
}

function deliver(store: ReturnType<typeof renderWithProviders>['store']) {
  const folder = createEventFolder();
  folder.fold(0, annotation(2, { add: ['baseline'] }));
  folder.fold(1, annotation(2, { note: '**kept** <b>as text</b>', author: 'ann' }));
  store.dispatch(dataReceived(folder.take()));
}

describe('the tags and note of an experiment', () => {
  it('shows them, and a tag typed in sends one edit to the websocket endpoint', async () => {
    const { fetchFn, posts } = endpoint(null, false);
    const { store, user } = renderWithProviders(<AnnotationPanel experimentId={2} />, { store: { fetchFn } });
    store.dispatch(connectRequested(settings));
    deliver(store);
    expect(await screen.findByText('baseline')).toBeTruthy();
    const note = await screen.findByTestId('note');
    expect(note.querySelector('strong')?.textContent).toBe('kept');
    expect(note.textContent).toContain('<b>as text</b>');
    const input = screen.getByRole('combobox', { name: 'Tags of experiment 2' });
    await user.type(input, 'best{Enter}');
    await waitFor(() =>
      expect(posts).toEqual([{ experiment_id: 2, add_tags: ['best'], remove_tags: [], source: 'board' }]),
    );
    expect(screen.getByRole('button', { name: 'Edit note' })).toBeTruthy();
  });

  it('is read-only where the endpoint wants a write token and the board has none', async () => {
    const { fetchFn, posts } = endpoint('read', true);
    const { store } = renderWithProviders(<AnnotationPanel experimentId={2} />, { store: { fetchFn } });
    store.dispatch(connectRequested(settings));
    deliver(store);
    await waitFor(() => expect(screen.queryByRole('combobox')).toBeNull());
    expect(screen.queryByRole('button', { name: 'Edit note' })).toBeNull();
    expect(screen.getByText('baseline')).toBeTruthy();
    expect(posts).toEqual([]);
  });
});
