import * as z from 'zod/mini';
import '../runtime/validation';
import { evaluateExperiments, type EvaluationReport, type EvaluatorDeps } from '../app/experiments/evaluate';
import { InvalidEventError } from './websocket-event';

/** The EventBridge Scheduler payload of the 15-minute schedule (lib/constructs/experiment-evaluator.ts). */
const scheduledEvent = z.object({ kind: z.literal('scheduled') });

/**
 * The experiment evaluator: every 15 minutes, each running experiment is held, advanced, promoted or stopped, and
 * recent routing changes are rolled back on a satisfaction drop. A run with failed experiments throws after it has
 * done the rest, so the function's Errors metric (and the scheduler's retry) see it.
 */
export const makeExperimentEvaluatorHandler =
  (deps: EvaluatorDeps) =>
  async (event: unknown): Promise<EvaluationReport> => {
    if (!scheduledEvent.safeParse(event).success) throw new InvalidEventError('not an evaluator payload ({"kind":"scheduled"})');
    return evaluateExperiments(deps);
  };
