// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import { selectFilteredExperimentIds } from '../../analysis/analysisSelectors';
import { ANALYSIS_KEY } from '../../analysis/analysisPersistence';
import { evaluation, experimentConfig, jobStatus } from '../../test/events';
import { deliver } from '../../test/fakes';
import { renderWithProviders } from '../../test/renderWithProviders';
import { ColumnChooser } from './ColumnChooser';
import { TableFilterBar } from './TableFilterBar';

afterEach(cleanup);

function table() {
  const r = renderWithProviders(
    <>
      <TableFilterBar />
      <ColumnChooser />
    </>,
  );
  act(() =>
    deliver(r.store, [
      experimentConfig(0, 0.01, 16),
      experimentConfig(1, 0.001, 16),
      experimentConfig(2, 0.001, 64),
      jobStatus(0, 'DONE'),
      jobStatus(1, 'DONE', 'CUDA out of memory'),
      jobStatus(2, 'RUNNING'),
      evaluation(0, 0, { f1: 0.6, loss: 0.5 }),
      evaluation(2, 0, { f1: 0.3, loss: 1.1 }),
    ]),
  );
  const filtered = () => {
    const ids = selectFilteredExperimentIds(r.store.getState());
    return ids && [...ids].sort();
  };
  return { ...r, filtered };
}

describe("the table's filters", () => {
  it('the quick filter matches shown columns as a regular expression; an invalid one says why and filters nothing', async () => {
    const { user, filtered } = table();
    const quick = screen.getByRole('textbox', { name: 'Filter rows' });
    await user.type(quick, 'COMPLETED|FAILED');
    expect(filtered()).toEqual([0, 1]);
    await user.clear(quick);
    await user.type(quick, '(oom');
    expect(screen.getByText(/^Invalid regular expression: .*Unterminated group/)).toBeTruthy();
    expect(filtered()).toBeNull();
  });

  it('a column filter is added in its dialog, shown as a chip, edited, removed; Clear filters clears all', async () => {
    const { user, filtered, store } = table();
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    const dialog = screen.getByRole('dialog', { name: 'Filter a column' });
    const apply = within(dialog).getByRole('button', { name: 'Apply' }) as HTMLButtonElement;
    expect(apply.disabled).toBe(true);
    await user.click(within(dialog).getByRole('combobox', { name: 'Column' }));
    await user.click(screen.getByRole('option', { name: 'batch_size' }));
    await user.click(within(dialog).getByRole('button', { name: 'Range' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'At least' }), 'x');
    expect(within(dialog).getByText('Not a number')).toBeTruthy();
    expect(apply.disabled).toBe(true);
    await user.clear(within(dialog).getByRole('textbox', { name: 'At least' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'At least' }), '20');
    await user.click(apply);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(filtered()).toEqual([2]);
    const chip = screen.getByRole('button', { name: 'batch_size ≥ 20' });

    // editing: the dialog opens with the filter, as values this time
    await user.click(chip);
    const again = screen.getByRole('dialog', { name: 'Filter a column' });
    expect((within(again).getByRole('textbox', { name: 'At least' }) as HTMLInputElement).value).toBe('20');
    await user.click(within(again).getByRole('button', { name: 'Values' }));
    await user.click(within(again).getByRole('checkbox', { name: '16' }));
    await user.click(within(again).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(filtered()).toEqual([0, 1]);
    const setChip = screen.getByRole('button', { name: 'batch_size ∈ {16}' });
    await user.click(within(setChip).getByTestId('CancelIcon'));
    expect(filtered()).toBeNull();
    expect(screen.queryByRole('button', { name: /batch_size/ })).toBeNull();

    await user.type(screen.getByRole('textbox', { name: 'Filter rows' }), 'FAILED');
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    const third = screen.getByRole('dialog', { name: 'Filter a column' });
    await user.click(within(third).getByRole('combobox', { name: 'Column' }));
    await user.click(screen.getByRole('option', { name: 'Error' }));
    await user.type(within(third).getByRole('textbox', { name: 'Matches (regular expression)' }), 'cuda');
    await user.click(within(third).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(filtered()).toEqual([1]);
    expect(screen.getByRole('button', { name: 'Error ~ /cuda/' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(filtered()).toBeNull();
    expect(store.getState().analysis.columnFilters).toEqual([]);
    expect(screen.queryByRole('button', { name: /batch_size/ })).toBeNull();
  });
});

describe("the table's column chooser", () => {
  it('lists the columns by group; hiding one keeps it hidden across reloads, and the quick filter no longer reads it', async () => {
    const { user, store, storage, filtered } = table();
    await user.click(screen.getByRole('button', { name: 'Columns' }));
    const menu = screen.getByRole('menu');
    for (const group of ['Experiment', 'Hyper-parameters', 'Latest scores'])
      expect(within(menu).getByText(group)).toBeTruthy();
    const error = within(menu).getByRole('menuitemcheckbox', { name: 'Error' });
    expect(error.getAttribute('aria-checked')).toBe('true');
    await user.click(error);
    expect(error.getAttribute('aria-checked')).toBe('false');
    expect(store.getState().analysis.hiddenColumns).toEqual(['error']);
    expect(JSON.parse(storage.getItem(ANALYSIS_KEY)!)).toEqual({ hiddenColumns: ['error'] });
    await user.keyboard('{Escape}');
    await user.type(screen.getByRole('textbox', { name: 'Filter rows' }), 'memory');
    expect(filtered()).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Columns' }));
    await user.click(screen.getByRole('menuitem', { name: 'Show all columns' }));
    expect(store.getState().analysis.hiddenColumns).toEqual([]);
    expect(filtered()).toEqual([1]);
  });
});
