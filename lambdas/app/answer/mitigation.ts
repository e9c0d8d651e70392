import { cacheTtlSeconds } from '../../core/capacity/mitigation';
import type { RoutedMessage } from '../router';
import type { AnswerDeps } from './types';

/** What mitigation changes for one answer beyond the routing decision (which the router already demoted). */
export interface MitigationEffects {
  /** Whether the answer is given under mitigation (the `MitigationMode` metric). */
  readonly active: boolean;
  /** How long a complete answer is cached: longer while mitigation is on, so fewer calls reach a throttled model. */
  readonly cacheTtlSeconds: number;
}

export const mitigationEffects = (deps: Pick<AnswerDeps, 'capacity' | 'clock' | 'options'>, routed: RoutedMessage): MitigationEffects => ({
  active: routed.mitigation !== undefined,
  cacheTtlSeconds: cacheTtlSeconds(deps.options.cacheTtlSeconds, routed.mitigation, deps.capacity.mitigation, deps.clock.now()),
});
