import type { RouteDecision } from './routing';

/**
 * Reasons whose whole text any client may see: each names a routing step and its outcome (the intent, the map row,
 * a budget or limit demotion, a FAQ entry), never what in the message decided it.
 */
const PUBLIC_STEPS: ReadonlySet<string> = new Set([
  'intent',
  'map',
  // `routing_version:<n>`: which committed routing map decided (a number, nothing of the message).
  'routing_version',
  'multi_intent',
  'tier_from',
  'no_template',
  'low_confidence_template',
  'complex_summary',
  'faq',
  'follow_up',
  'mitigation',
  'budget',
  'limit',
  'cascade',
  // `experiment:<id>:<arm>`: the frame's `experiment` field says the same.
  'experiment',
]);

/** The classifier's signals, by their prefix: shown as the step that produced them, never their matched words or scores. */
const CLASSIFIER_STEPS: Readonly<Record<string, string>> = {
  kw: 'classifier:rules',
  alt: 'classifier:rules',
  search: 'classifier:rules',
  model: 'classifier:model',
  model_alt: 'classifier:model',
  ensemble: 'classifier:ensemble',
  llm: 'classifier:llm',
};

/**
 * The reasons as a customer's or a guest's `route` frame gives them (issue 9): the steps (intent, map, classifier,
 * budget...), not the matched keywords or the model's probabilities, which would show how to steer the route. A
 * reason of a kind not listed above is reduced to its step name, so a new reason never leaks by default. Operators
 * (OPERATOR_SCOPE) and the CLI see the full reasons.
 */
export const publicReasons = (reasons: readonly string[]): string[] => {
  const shown = reasons.map((reason) => {
    const step = reason.split(':', 1)[0] ?? reason;
    if (PUBLIC_STEPS.has(step)) return reason;
    return CLASSIFIER_STEPS[step] ?? step;
  });
  return [...new Set(shown)];
};

export const redactDecision = (decision: RouteDecision): RouteDecision => ({ ...decision, reasons: publicReasons(decision.reasons) });
