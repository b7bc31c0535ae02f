import { historyDone } from '../../connection/connectionSlice';
import type { AppStartListening } from '../../store/rootState';
import { catchUp } from './drawQueue';

/** Once the stored history is applied, the charts catch up at once (see catchUp) instead of at the live pace. */
export function startDrawQueueListening(startListening: AppStartListening): void {
  startListening({ actionCreator: historyDone, effect: () => catchUp() });
}
