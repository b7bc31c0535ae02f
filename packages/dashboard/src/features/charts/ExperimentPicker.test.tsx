// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ExperimentPicker } from './ExperimentPicker';

afterEach(cleanup);

const ids = Array.from({ length: 10_000 }, (_, i) => i);

describe('"Take me to experiment page" (the picker under a chart)', () => {
  it('lists 10,000 experiments with only the rows in view made, finds one by its id and opens it', async () => {
    const user = userEvent.setup();
    const onGo = vi.fn();
    render(<ExperimentPicker ids={ids} onGo={onGo} />);
    const go = screen.getByRole('button', { name: 'Go to experiment' });
    expect((go as HTMLButtonElement).disabled).toBe(true);
    const input = screen.getByRole<HTMLInputElement>('combobox', { name: 'Experiment Id' });
    await user.click(input);
    const listbox = await screen.findByRole('listbox');
    const shown = within(listbox).getAllByRole('option');
    // virtualised: the first rows of the 10,000 and a few more, not one element per experiment
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(50);
    expect(shown[0]!.textContent).toBe('0');
    await user.type(input, '9999');
    await waitFor(() =>
      expect(
        within(screen.getByRole('listbox'))
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['9999']),
    );
    await user.click(within(screen.getByRole('listbox')).getByRole('option', { name: '9999' }));
    expect(input.value).toBe('9999');
    await user.click(go);
    expect(onGo).toHaveBeenCalledWith(9999);
  });

  it('says so when no experiment has the id typed', async () => {
    const user = userEvent.setup();
    render(<ExperimentPicker ids={[3, 4]} onGo={() => undefined} />);
    await user.type(screen.getByRole('combobox', { name: 'Experiment Id' }), '77');
    expect((await screen.findByText('No experiment with that id')).textContent).toBe('No experiment with that id');
  });
});
