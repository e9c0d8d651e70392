import { startDemoServer, type DemoServer } from '../../local/demo-server';

/** The demo store's HTTP surface without a browser: what a link checker, curl or another site's page gets. */
describe('demo store server', () => {
  let demo: DemoServer;
  beforeAll(async () => {
    demo = await startDemoServer({ port: 0 });
  });
  afterAll(() => demo.close());

  it('answers 503 for the page and its config until the gateway is attached', async () => {
    const [page, config] = await Promise.all([fetch(demo.url), fetch(new URL('/config.json', demo.url))]);
    expect(page.status).toBe(503);
    expect(config.status).toBe(503);
  });

  describe('with a gateway attached', () => {
    beforeAll(() => {
      demo.attach({ endpoint: 'ws://127.0.0.1:3999', customers: ['demo-customer-1'], signToken: (customerId) => `token-of-${customerId}` });
    });

    it('serves the page under a CSP that names the gateway, and HEAD like GET without a body', async () => {
      const [get, head] = await Promise.all([fetch(demo.url), fetch(demo.url, { method: 'HEAD' })]);
      expect(get.status).toBe(200);
      expect(await get.text()).toContain('mangaassist-chat.js');
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      for (const response of [get, head]) {
        expect(response.headers.get('content-security-policy')).toContain("connect-src 'self' ws://127.0.0.1:3999");
        expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      }
    });

    it('tells a wrong method on a known path (405) from an unknown path (404)', async () => {
      const [wrongMethod, unknown] = await Promise.all([
        fetch(new URL('/token', demo.url)),
        fetch(new URL('/admin', demo.url)),
      ]);
      expect(wrongMethod.status).toBe(405);
      expect(((await wrongMethod.json()) as { error: string }).error).toBe('method GET not allowed on /token');
      expect(unknown.status).toBe(404);
    });

    it('hands tokens to its own page only, for a demo customer only', async () => {
      const [own] = demo.origins;
      const post = (origin: string, body: string) =>
        fetch(new URL('/token', demo.url), { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body });
      const mine = await post(own!, JSON.stringify({ customerId: 'demo-customer-1' }));
      expect(await mine.json()).toEqual({ token: 'token-of-demo-customer-1' });
      expect((await post('https://evil.example', JSON.stringify({ customerId: 'demo-customer-1' }))).status).toBe(403);
      expect((await post(own!, JSON.stringify({ customerId: 'someone-else' }))).status).toBe(400);
      expect((await post(own!, 'not json')).status).toBe(400);
    });
  });
});
