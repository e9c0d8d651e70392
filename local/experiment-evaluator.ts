import { evaluateExperiments, EVALUATOR_PERIOD_MINUTES, type EvaluationReport, type EvaluatorDeps } from '../lambdas/app/experiments/evaluate';

/**
 * The offline stand-in for the evaluator's EventBridge schedule: `npm start` runs the same use case every 15 minutes
 * (LOCAL_EXPERIMENT_EVALUATOR_MS to change it), one run at a time, as the scheduled function does in AWS; tests and
 * `cli routing experiment evaluate` run it at once.
 */
export const EVALUATOR_EVERY_MS = EVALUATOR_PERIOD_MINUTES * 60_000;

export interface LocalEvaluator {
  /** Runs one evaluation now (joins the one in progress, if any). */
  runOnce(): Promise<EvaluationReport | undefined>;
  stop(): Promise<void>;
}

export const startLocalEvaluator = (deps: EvaluatorDeps, options: { readonly intervalMs?: number; readonly autoStart?: boolean } = {}): LocalEvaluator => {
  let running: Promise<EvaluationReport | undefined> | undefined;
  const round = async (): Promise<EvaluationReport | undefined> => {
    try {
      return await evaluateExperiments(deps);
    } catch (error) {
      deps.log.error('experiment evaluation failed', { error });
      return undefined;
    }
  };
  const runOnce = (): Promise<EvaluationReport | undefined> => {
    running ??= round().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = options.autoStart === false ? undefined : setInterval(() => void runOnce(), Math.max(1000, options.intervalMs ?? EVALUATOR_EVERY_MS));
  timer?.unref();
  return {
    runOnce,
    stop: async () => {
      if (timer) clearInterval(timer);
      await running;
    },
  };
};
