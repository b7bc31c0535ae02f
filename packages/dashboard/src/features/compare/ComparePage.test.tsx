// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen, within } from '@testing-library/react';
import { selectFilteredExperimentIds } from '../../analysis/analysisSelectors';
import { evaluation, experimentConfig } from '../../test/events';
import { deliver } from '../../test/fakes';
import { renderWithProviders } from '../../test/renderWithProviders';
import { ComparePage } from './ComparePage';

afterEach(cleanup);

function compare(route = '/compare') {
  const r = renderWithProviders(<ComparePage />, { route });
  act(() =>
    deliver(r.store, [
      experimentConfig(0, 0.1, 16),
      experimentConfig(1, 0.01, 16),
      experimentConfig(2, 0.1, 32),
      experimentConfig(3, 0.01, 32),
      ...[0, 1, 2, 3].map((id) => evaluation(id, 0, { f1: 0.5 + id / 10, loss: 1 - id / 10 })),
    ]),
  );
  return r;
}

const headers = () =>
  within(screen.getByRole('table', { name: 'Compared configurations' }))
    .getAllByRole('columnheader')
    .map((h) => h.textContent);

describe('the compare page', () => {
  it('takes the experiments of its link and shows their configs side by side, differing keys marked, with final scores', async () => {
    const { user } = compare('/compare?ids=3,1,x');
    expect(headers()).toEqual(['Key', 'experiment 1', 'experiment 3']);
    expect(screen.getByTestId('compare-summary').textContent).toBe('1 of 10 config keys differ.');
    const table = screen.getByRole('table', { name: 'Compared configurations' });
    const batch = table.querySelector('[data-path="data_loaders.config.batch_size"]')!;
    expect(batch.getAttribute('data-differs')).toBe('true');
    expect([...batch.querySelectorAll('td')].map((c) => c.textContent)).toEqual([
      'data_loaders.config.batch_sizediffers',
      '16',
      '32',
    ]);
    expect(table.querySelector('[data-score="val_F1_SCORE_macro"]')!.textContent).toBe(
      'val_F1_SCORE_macro (final)0.60.8',
    );
    // the keys that are the same are hidden until asked for
    expect(table.querySelectorAll('[data-path]').length).toBe(1);
    await user.click(screen.getByRole('switch', { name: 'Only differing keys' }));
    expect(table.querySelectorAll('[data-path]').length).toBe(10);
    const lr = table.querySelector('[data-path="optimizer.config.params.lr"]')!;
    expect(lr.getAttribute('data-differs')).toBe('false');
  });

  it('chips toggle the compared experiments; "only these" keeps just them in every view', async () => {
    const { user, store } = compare();
    expect(screen.getByText('Choose at least two experiments to compare.')).toBeTruthy();
    const only = screen.getByRole('switch', { name: 'Only these in the table and charts' }) as HTMLInputElement;
    expect(only.disabled).toBe(true);
    await user.click(screen.getByRole('button', { name: 'experiment 2' }));
    await user.click(screen.getByRole('button', { name: 'experiment 0' }));
    expect(screen.getByRole('button', { name: 'experiment 0' }).getAttribute('aria-pressed')).toBe('true');
    expect(headers()).toEqual(['Key', 'experiment 0', 'experiment 2']);
    await user.click(only);
    expect([...selectFilteredExperimentIds(store.getState())!]).toEqual([0, 2]);
    // one left: nothing to compare, and the focus goes
    await user.click(screen.getByRole('button', { name: 'experiment 2' }));
    expect(store.getState().analysis.focus).toBe(false);
    expect(selectFilteredExperimentIds(store.getState())).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Clear' }));
    expect(store.getState().analysis.compared).toEqual([]);
  });
});
