// @vitest-environment happy-dom
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { evaluation, experimentConfig } from '../../test/events';
import { deliver } from '../../test/fakes';
import { renderWithProviders } from '../../test/renderWithProviders';
import { SweepPage } from './SweepPage';

afterEach(cleanup);

// The plot's geometry (ParallelCoordinates.tsx): axes from y = 48 (top, position 1) to y = 384 (bottom, 0).
const TOP = 48;
const PLOT = 420 - 48 - 36;
const yAt = (position: number) => TOP + (1 - position) * PLOT;

beforeAll(() => {
  // happy-dom lays nothing out: the SVG's user units are the page's pixels here
  SVGSVGElement.prototype.getScreenCTM = function () {
    return new DOMMatrix([1, 0, 0, 1, 0, 0]);
  };
  Element.prototype.setPointerCapture ??= () => undefined;
});

function sweep() {
  const r = renderWithProviders(<SweepPage />, { route: '/sweep' });
  act(() =>
    deliver(r.store, [
      experimentConfig(0, 0.1, 16),
      experimentConfig(1, 0.01, 16),
      experimentConfig(2, 0.1, 32),
      experimentConfig(3, 0.01, 32),
      ...[0, 1, 2, 3].flatMap((id) => [
        evaluation(id, 0, { f1: 0.5 + id / 10 }),
        evaluation(id, 1, { f1: id === 3 ? 0.2 : 0.6 + id / 10 }),
      ]),
    ]),
  );
  return r;
}

/** Drags along an axis from one position (0 bottom, 1 top) to another, as a person brushes it. */
function brush(axisLabel: string, from: number, to: number) {
  const axis = screen.getByLabelText(`Brush ${axisLabel}`);
  fireEvent.pointerDown(axis, { pointerId: 1, clientY: yAt(from) });
  fireEvent.pointerMove(axis, { pointerId: 1, clientY: yAt(to) });
  fireEvent.pointerUp(axis, { pointerId: 1, clientY: yAt(to) });
}

const count = () => screen.getByTestId('sweep-count').textContent;
const selectedLines = () =>
  [...document.querySelectorAll('path[data-experiment]')]
    .filter((p) => p.getAttribute('data-selected') === 'true')
    .map((p) => Number(p.getAttribute('data-experiment')));

describe('the sweep page', () => {
  it('draws one axis per swept hyper-parameter and the metric, one line per experiment', () => {
    sweep();
    expect(screen.getByRole('img', { name: 'Parallel coordinates: 3 axes, 4 experiments' })).toBeTruthy();
    expect(count()).toBe('4 of 4 experiments pass the filters');
    expect(selectedLines()).toEqual([0, 1, 2, 3]);
  });

  it('a brush along an axis filters the experiments every view shows; a click on the axis clears it', async () => {
    const { store, user } = sweep();
    brush('lr', 0.8, 1);
    expect(count()).toBe('2 of 4 experiments pass the filters');
    expect(selectedLines()).toEqual([0, 2]);
    expect(document.querySelector('rect[data-brush="hp:optimizer.config.params.lr"]')).not.toBeNull();
    expect(screen.getByLabelText('Experiments passing the filters').textContent).toBe('experiment 0experiment 2');
    // a second brush narrows it further: the metric's final value in the top quarter of its axis (≥ 0.65)
    brush('val_F1_SCORE_macro (final)', 1, 0.75);
    expect(selectedLines()).toEqual([2]);
    expect(Object.keys(store.getState().analysis.brushes)).toEqual(['hp:optimizer.config.params.lr', 'metric']);

    // a click (no drag) on the lr axis clears its brush
    brush('lr', 0.5, 0.5);
    expect(selectedLines()).toEqual([1, 2]);
    expect(count()).toBe('2 of 4 experiments pass the filters');
    // another epoch of the metric is another axis: its brush goes
    await user.click(screen.getByRole('button', { name: 'Best epoch' }));
    expect(store.getState().analysis.brushes).toEqual({});
    expect(count()).toBe('4 of 4 experiments pass the filters');
  });

  it('"Compare these" compares the brushed experiments; "Clear brushes" forgets every brush', async () => {
    const { user, store } = sweep();
    const compare = screen.getByRole('button', { name: 'Compare these' }) as HTMLButtonElement;
    expect(compare.disabled).toBe(true);
    brush('batch_size', 0, 0.2);
    expect(selectedLines()).toEqual([0, 1]);
    await user.click(compare);
    expect(store.getState().analysis.compared).toEqual([0, 1]);
    await user.click(screen.getByRole('button', { name: 'Clear brushes' }));
    expect(store.getState().analysis.brushes).toEqual({});
    expect((screen.getByRole('button', { name: 'Clear brushes' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
