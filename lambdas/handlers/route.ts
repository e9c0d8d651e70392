import type { RouteDecision } from '../core/routing';
import { makeFrameHandler, type FrameHandlerDeps } from './frame-handler';

export interface RouteHandlerDeps extends FrameHandlerDeps {
  readonly route: (text: string) => Promise<RouteDecision>;
}

/** `route`: the routing decision only; no model is called and nothing is charged. */
export const makeRouteHandler = (deps: RouteHandlerDeps) =>
  makeFrameHandler(deps, 'route', async (frame, { messenger, connectionId, requestId }) => {
    const decision = await deps.route(frame.message);
    await messenger.send(connectionId, { type: 'route', requestId, ...decision });
  });
