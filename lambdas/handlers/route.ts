import { hasScope, OPERATOR_SCOPE } from '../core/principal';
import { redactDecision } from '../core/route-reasons';
import type { RouteDecision } from '../core/routing';
import { makeFrameHandler, type FrameHandlerDeps } from './frame-handler';

export interface RouteHandlerDeps extends FrameHandlerDeps {
  readonly route: (text: string) => Promise<RouteDecision>;
}

/**
 * `route`: the routing decision only; no model is called and nothing is charged. Its reasons name the steps, not the
 * words that decided them, unless the principal is an operator (OPERATOR_SCOPE): the matched keywords would make
 * steering the route easy.
 */
export const makeRouteHandler = (deps: RouteHandlerDeps) =>
  makeFrameHandler(deps, 'route', async (frame, { messenger, connectionId, principal, requestId }) => {
    const decision = await deps.route(frame.message);
    const shown = hasScope(principal, OPERATOR_SCOPE) ? decision : redactDecision(decision);
    await messenger.send(connectionId, { type: 'route', requestId, ...shown });
  });
