// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen } from '@testing-library/react';
import { historyDone } from '../../connection/connectionSlice';
import { evaluation, jobStatus } from '../../test/events';
import { deliver } from '../../test/fakes';
import { renderWithProviders } from '../../test/renderWithProviders';
import { ScoresLoading } from './ScoresLoading';

afterEach(cleanup);

describe('the table while its scores load', () => {
  it('says the scores are still loading from the first rows until the history has been applied', () => {
    const { store } = renderWithProviders(<ScoresLoading />);
    expect(screen.queryByRole('status')).toBeNull();
    act(() => deliver(store, [jobStatus(0, 'RUNNING'), evaluation(0, 0, { f1: 0.5 }), jobStatus(1, 'RUNNING')]));
    expect(screen.getByRole('status').textContent).toMatch(/Scores are still loading \(3 events applied so far\)/);
    act(() => void store.dispatch(historyDone({ nextEventId: 3 })));
    expect(screen.queryByRole('status')).toBeNull();
  });
});
