import { assignmentSubject } from '../core/experiments/assignment';
import { hasScope, OPERATOR_SCOPE, principalKey } from '../core/principal';
import { redactDecision } from '../core/route-reasons';
import type { RouteOptions } from '../app/router';
import type { RouteDecision } from '../core/routing';
import { makeFrameHandler, type FrameHandlerDeps } from './frame-handler';

export interface RouteHandlerDeps extends FrameHandlerDeps {
  readonly route: (text: string, options?: RouteOptions) => Promise<RouteDecision>;
}

/**
 * `route`: the routing decision only; nothing is charged. Its reasons name the steps, not the words that decided them,
 * unless the principal is an operator (OPERATOR_SCOPE): the matched keywords would make steering the route easy. For a
 * customer or a guest no model is called: a low-confidence message is previewed by the fast path, where its `invoke`
 * would ask the LLM classifier (counted against the sender's limits and charged).
 */
export const makeRouteHandler = (deps: RouteHandlerDeps) =>
  makeFrameHandler(deps, 'route', async (frame, { messenger, connectionId, principal, requestId }) => {
    const operator = hasScope(principal, OPERATOR_SCOPE);
    // Only an operator's preview may ask the LLM classifier: `route` is outside the per-principal limits (its
    // function cannot reach their Redis) and uncharged, so a customer's or a guest's costs nothing (the fast path).
    // A running experiment's arm is sticky per customer (a guest: per connection, as `route` has no session).
    const decision = await deps.route(frame.message, { skipLlm: !operator, subject: assignmentSubject(principalKey(principal)) });
    const shown = operator ? decision : redactDecision(decision);
    await messenger.send(connectionId, { type: 'route', requestId, ...shown });
  });
