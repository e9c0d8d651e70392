import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { buildDemoScript, buildWidget, DEMO_DIR } from './widget-build';

/** What the demo page needs from the running gateway; known once the stack listens (see `attach`). */
export interface DemoGateway {
  /** The gateway's WebSocket URL (`ws://127.0.0.1:3001`). */
  readonly endpoint: string;
  /** The customers the demo sign-in offers. */
  readonly customers: readonly string[];
  /** A token of the stack's local issuer for one of them. */
  signToken(customerId: string): string;
}

export interface DemoServer {
  /** `http://127.0.0.1:<port>/`: the demo store page. */
  readonly url: string;
  /** The origins a browser on this page sends (`http://127.0.0.1:<port>`, `http://localhost:<port>`): the gateway must allow them. */
  readonly origins: readonly string[];
  readonly widgetBytes: { readonly raw: number; readonly gzip: number };
  /** Connects the page to the gateway; until then `/config.json` answers 503. */
  attach(gateway: DemoGateway): void;
  close(): Promise<void>;
}

/**
 * The Content-Security-Policy the demo page is served under, the strictest the widget works with: scripts from
 * this origin only (no inline script, no eval), no inline styles (the widget's CSS is a constructed stylesheet),
 * WebSocket connections to the gateway only, no frames, forms, plugins or base-URI changes.
 */
export const demoContentSecurityPolicy = (gatewayEndpoint: string): string =>
  [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src 'self' ${new URL(gatewayEndpoint).origin.replace(/^http/, 'ws')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

const KNOWN_PATHS: ReadonlySet<string> = new Set(['/', '/index.html', '/favicon.ico', '/demo.css', '/mangaassist-chat.js', '/demo.js', '/config.json', '/token']);

const readAsset = (name: string): string => readFileSync(path.join(DEMO_DIR, name), 'utf8');

/**
 * The demo store of `npm start`: the page (web/demo/index.html), its stylesheet and script, the widget bundled at
 * start-up, `/config.json` (the gateway's URL and the demo customers) and `POST /token` (a demo customer's token,
 * same-origin only). Loopback only: it hands out tokens.
 */
export const startDemoServer = async (options: { readonly port?: number } = {}): Promise<DemoServer> => {
  const [widget, demoScript] = await Promise.all([buildWidget(), buildDemoScript()]);
  const page = readAsset('index.html');
  const css = readAsset('demo.css');
  let gateway: DemoGateway | undefined;
  let origins: string[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const security = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      ...(gateway && { 'content-security-policy': demoContentSecurityPolicy(gateway.endpoint) }),
    };
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, ...security });
      res.end(body);
    };
    const json = (status: number, body: unknown) => reply(status, 'application/json; charset=utf-8', JSON.stringify(body));
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    // HEAD is GET without a body (node's response drops the body itself): link checkers and `curl -I` ask with it.
    const route = `${req.method === 'HEAD' ? 'GET' : (req.method ?? '')} ${pathname}`;
    switch (route) {
      case 'GET /':
      case 'GET /index.html':
        // Without a gateway there is no CSP to send (it names the gateway's origin): no page either.
        return gateway ? reply(200, 'text/html; charset=utf-8', page) : json(503, { error: 'the gateway is not running yet' });
      case 'GET /favicon.ico':
        res.writeHead(204, security);
        return void res.end();
      case 'GET /demo.css':
        return reply(200, 'text/css; charset=utf-8', css);
      case 'GET /mangaassist-chat.js':
        return reply(200, 'text/javascript; charset=utf-8', widget.code);
      case 'GET /demo.js':
        return reply(200, 'text/javascript; charset=utf-8', demoScript.code);
      case 'GET /config.json':
        return gateway ? json(200, { endpoint: gateway.endpoint, customers: gateway.customers }) : json(503, { error: 'the gateway is not running yet' });
      case 'POST /token': {
        // A page of another site must not get tokens from this loopback server.
        if (!origins.includes(req.headers.origin ?? '')) return json(403, { error: 'same-origin requests only' });
        if (!gateway) return json(503, { error: 'the gateway is not running yet' });
        let body = '';
        for await (const chunk of req) {
          body += String(chunk);
          if (body.length > 1024) return json(413, { error: 'request too large' });
        }
        let customerId: unknown;
        try {
          customerId = (JSON.parse(body) as { customerId?: unknown }).customerId;
        } catch {
          return json(400, { error: 'body must be JSON: {"customerId": "..."}' });
        }
        if (typeof customerId !== 'string' || !gateway.customers.includes(customerId)) return json(400, { error: `customerId must be one of ${gateway.customers.join(', ')}` });
        return json(200, { token: gateway.signToken(customerId) });
      }
      default:
        return KNOWN_PATHS.has(pathname)
          ? json(405, { error: `method ${req.method ?? ''} not allowed on ${pathname}` })
          : json(404, { error: `no route ${route}` });
    }
  };

  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  return {
    url: `http://127.0.0.1:${port}/`,
    origins,
    widgetBytes: { raw: widget.bytes, gzip: widget.gzipBytes },
    attach: (next) => {
      gateway = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
