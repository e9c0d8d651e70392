import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { ApiGatewayManagementApiClient, DeleteConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Page } from 'playwright-core';
import { DEFAULT_LIMITS_CONFIG } from '../../lambdas/core/limits';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { startDemoServer, type DemoServer } from '../../local/demo-server';
import { DEMO_CUSTOMERS, LOCAL_CREDENTIALS } from '../../local/dynamo';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { launchChromium, type TestBrowser } from '../support/browser';
import { silentLog } from '../support/fakes';
import { startScriptedModel, type ScriptedModel } from '../support/scripted-model';

/**
 * The web chat widget in headless Chromium against the real offline stack: the demo store page served by the demo
 * server under its Content-Security-Policy, the widget signing in through the page's token callback (the local
 * issuer), the emulated API Gateway, dynalite, the limits. Model answers come from a scripted OpenAI-compatible
 * server the local Bedrock endpoint forwards to, so a test decides what a model writes (markup, a broken stream);
 * order questions are answered by the template tier. Screenshots go to .screenshots/ (not committed).
 */
const SCREENSHOTS = path.join(__dirname, '..', '..', '.screenshots');

const STREAMED = ['Here are three ', 'manga you may like: ', 'Vinland Saga, ', 'Frieren, ', 'and Monster. ', 'Each has ', 'a hopeful ', 'story arc.'];
const MARKUP = ['Try this: ', '<img src=x onerror="window.__pwned=1">', ' or <script>window.__pwned=2</script>', ' <b>bold</b> <a href="javascript:alert(1)">link</a>'];
const BROKEN = ['The first part ', 'of a long answer ', 'about Berserk ', 'that never ends', '.'];

describe('the web chat widget in Chromium', () => {
  let model: ScriptedModel;
  let demo: DemoServer;
  let stack: LocalStack;
  let browser: TestBrowser;
  let documents: ReturnType<typeof createDocumentClient>;

  beforeAll(async () => {
    model = await startScriptedModel(
      [
        { when: /markup please/, deltas: MARKUP },
        { when: /break please/, deltas: BROKEN, gapMs: 150, breakAfter: 3 },
        { when: /slowly please/, deltas: STREAMED, gapMs: 250 },
      ],
      { when: /.*/, deltas: STREAMED, gapMs: 200 },
    );
    demo = await startDemoServer({ port: 0 });
    stack = await startLocalStack({
      port: 0,
      log: silentLog,
      llmClassifier: false,
      routingCacheTtlMs: 0,
      bedrock: { forward: { baseUrl: model.baseUrl } },
      auth: { allowedOrigins: demo.origins },
      // One answer at a time per connection, and a short hint: the rate_limited case without waiting a minute.
      limits: { ...DEFAULT_LIMITS_CONFIG, customer: { ...DEFAULT_LIMITS_CONFIG.customer, messagesPerMinute: 100, invokesInFlight: 1 }, inFlightRetryAfterMs: 1500 },
    });
    demo.attach({ endpoint: stack.url, customers: DEMO_CUSTOMERS, signToken: (customerId) => stack.issuer.sign({ customerId }) });
    documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: stack.dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    documents?.destroy();
    await stack?.close();
    await demo?.close();
    await model?.close();
  });

  /** Problems the page reported: CSP violations, script errors. Every test ends with none. */
  let problems: string[] = [];

  const openPage = async (query: { customer?: string; lang?: 'ja' | 'en' }, storedSessionId?: string): Promise<Page> => {
    problems = [];
    const page = await browser.context.newPage();
    // What an earlier visit of this tab left behind, in place before the page's scripts run.
    if (storedSessionId !== undefined) await page.addInitScript(`sessionStorage.setItem('mangaassist.session', ${JSON.stringify(storedSessionId)})`);
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${demo.url}?${new URLSearchParams({ customer: query.customer ?? DEMO_CUSTOMERS[0], lang: query.lang ?? 'en' }).toString()}`);
    return page;
  };

  const openWidget = async (page: Page, connected = 'Connected'): Promise<void> => {
    await page.locator('.launcher').click();
    await page.locator('.status', { hasText: connected }).waitFor();
  };

  const ask = async (page: Page, message: string): Promise<void> => {
    await page.locator('textarea').fill(message);
    await page.locator('textarea').press('Enter');
  };

  /** Waits for the n-th turn (0-based) to reach a final status, and returns it. */
  const settled = async (page: Page, index: number, status = 'done') => {
    const turn = page.locator('.turn').nth(index);
    await turn.locator(`.answer[data-status="${status}"]`).waitFor({ timeout: 15_000 });
    return turn;
  };

  const answerRecord = async (sessionId: string, requestId: string) =>
    (await documents.send(new GetCommand({ TableName: stack.tables.sessions, Key: { pk: `SESSION#${sessionId}`, sk: `ANSWER#${requestId}` } }))).Item;

  /** Closes every connection the gateway has, as API Gateway's DeleteConnection does (also: idle timeout, a deploy). */
  const dropConnections = async (): Promise<void> => {
    const management = new ApiGatewayManagementApiClient({ region: 'ap-northeast-1', endpoint: stack.emulator.managementEndpoint, credentials: stack.emulator.managementCredentials });
    // Every connection `$connect` recorded (the pages of earlier tests are closed: theirs are gone, 410).
    const { Items = [] } = await documents.send(new ScanCommand({ TableName: stack.tables.sessions, FilterExpression: 'begins_with(pk, :c)', ExpressionAttributeValues: { ':c': 'CONNECTION#' } }));
    expect(Items.length).toBeGreaterThan(0);
    for (const { connectionId } of Items) await management.send(new DeleteConnectionCommand({ ConnectionId: String(connectionId) })).catch(() => undefined);
    management.destroy();
  };

  const sessionIdOf = (page: Page): Promise<string | null> => page.evaluate("sessionStorage.getItem('mangaassist.session')");
  const requestIdOf = async (page: Page, index: number): Promise<string> => (await page.locator('.turn').nth(index).getAttribute('data-request-id')) ?? '';

  it('streams an answer into the page as chunks arrive, with the routing in the developer view, under a strict CSP', async () => {
    const page = await openPage({ lang: 'en' });
    try {
      const csp = (await page.request.get(demo.url)).headers()['content-security-policy'];
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      await openWidget(page);
      // Every text the answer shows while it streams, recorded in the page as the DOM changes.
      await page.evaluate(`(() => {
        const root = document.querySelector('[data-mangaassist-chat]').shadowRoot;
        window.__seen = [];
        new MutationObserver(() => {
          const answer = root.querySelector('.turn:last-child .answer');
          if (answer && answer.getAttribute('aria-busy') === 'true') window.__seen.push(answer.querySelector('.answer-text').textContent);
        }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
      })()`);
      await ask(page, 'Can you recommend manga like Berserk but more hopeful?');
      const turn = await settled(page, 0);
      const final = STREAMED.join('');
      expect(await turn.locator('.answer-text').textContent()).toBe(final);
      const partial = [...new Set((await page.evaluate('window.__seen')) as string[])].filter((text) => text !== '' && text !== 'Thinking…' && text !== final);
      // At least two different partial answers were on screen before the end, each a beginning of the answer.
      expect(partial.length).toBeGreaterThanOrEqual(2);
      for (const text of partial) expect(final.startsWith(text)).toBe(true);

      await expect(turn.locator('.facts').isVisible()).resolves.toBe(false);
      await page.getByLabel('Developer view').check();
      const facts = await turn.locator('.facts').textContent();
      expect(facts).toMatch(/^intent recommendation · tier (sonnet|haiku) · model \S+ · \$\d+\.\d{6} · cache miss · \d+ ms/);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'widget-en.png') });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('does not send while an input method composes: Enter confirms the conversion; Japanese UI and full-width and long input work', async () => {
    const page = await openPage({ lang: 'ja' });
    try {
      await expect(page.locator('.launcher').textContent()).resolves.toContain('チャットで質問');
      await openWidget(page, '接続しました');
      const input = page.getByRole('textbox', { name: 'メッセージ' });
      await input.focus();
      // Chromium's own IME path through the DevTools protocol: a composition in progress, the Enter that confirms it
      // (keydown with isComposing and keyCode 229, as an IME gives it), then the committed text (compositionend).
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Input.imeSetComposition', { text: 'ちゅうもんばんごう', selectionStart: 9, selectionEnd: 9 });
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 229, nativeVirtualKeyCode: 13 });
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 });
      await cdp.send('Input.insertText', { text: '注文番号' });
      await cdp.detach();
      await expect(page.locator('.turn').count()).resolves.toBe(0);
      await expect(input.inputValue()).resolves.toBe('注文番号');
      await input.pressSequentially('１２３４５はどこ');
      // The same events dispatched by hand, Chrome's and Firefox's order and Safari's (keydown with keyCode 229
      // after compositionend): none of them may send either.
      const composed = await page.evaluate(`(() => {
        const el = document.querySelector('[data-mangaassist-chat]').shadowRoot.querySelector('textarea');
        const fire = (event) => el.dispatchEvent(event);
        fire(new CompositionEvent('compositionstart', { data: '' }));
        const duringComposition = new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true, cancelable: true });
        fire(duringComposition);
        fire(new CompositionEvent('compositionend', { data: 'どこ' }));
        const safari = new KeyboardEvent('keydown', { key: 'Enter', keyCode: 229, bubbles: true, cancelable: true });
        fire(safari);
        return { duringComposition: duringComposition.defaultPrevented, safari: safari.defaultPrevented, safariKeyCode: safari.keyCode };
      })()`);
      expect(composed).toEqual({ duringComposition: false, safari: false, safariKeyCode: 229 });
      await expect(page.locator('.turn').count()).resolves.toBe(0);
      await expect(input.inputValue()).resolves.toBe('注文番号１２３４５はどこ');

      await input.pressSequentially('？');
      await input.press('Enter');
      const order = await settled(page, 0);
      await expect(order.locator('.question-text').textContent()).resolves.toBe('注文番号１２３４５はどこ？');
      await expect(order.locator('.answer-text').textContent()).resolves.toContain('12345');
      await expect(input.inputValue()).resolves.toBe('');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'widget-ja.png') });

      // A long Japanese message (3,000 full-width characters) is sent whole; over 4,000 the widget refuses to send.
      await ask(page, `おすすめの漫画を教えてください。${'あ'.repeat(3000)}`);
      await settled(page, 1);
      await input.fill('漫'.repeat(4001));
      await expect(page.locator('.counter').textContent()).resolves.toContain('4001 / 4000');
      await input.press('Enter');
      await expect(page.locator('.turn').count()).resolves.toBe(2);
      await input.fill('');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('renders markup a model writes as text: no element is created and no script runs', async () => {
    const page = await openPage({});
    try {
      await openWidget(page);
      await ask(page, 'Please recommend a manga, markup please');
      const turn = await settled(page, 0);
      const text = await turn.locator('.answer-text').textContent();
      expect(text).toBe(MARKUP.join(''));
      expect(text).toContain('<img src=x onerror=');
      await expect(turn.locator('.answer-text *').count()).resolves.toBe(0);
      await expect(page.evaluate('window.__pwned')).resolves.toBeUndefined();
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows rate_limited with its retry hint, and the retry is answered once the hint has passed', async () => {
    const page = await openPage({});
    try {
      await openWidget(page);
      await ask(page, 'Recommend a manga like Monster, slowly please');
      // This customer may have one answer in flight: the second message is refused while the first streams.
      await ask(page, 'And can you recommend one like Pluto?');
      const refused = await settled(page, 1, 'failed');
      await expect(refused.locator('.notice').textContent()).resolves.toMatch(/too fast\. You can retry in [12] s/);
      await expect(refused.locator('.retry').getAttribute('aria-disabled')).resolves.toBe('true');
      const refusedId = await requestIdOf(page, 1);

      await settled(page, 0);
      await refused.locator('.retry[aria-disabled="false"]').waitFor({ timeout: 5000 });
      await refused.locator('.retry').click();
      await settled(page, 1);
      await expect(refused.locator('.notice').isHidden()).resolves.toBe(true);
      expect(await requestIdOf(page, 1)).not.toBe(refusedId);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('marks an answer whose stream broke as incomplete, keeping its text', async () => {
    const page = await openPage({});
    try {
      await openWidget(page);
      await ask(page, 'Recommend a manga like Berserk, break please');
      const turn = await settled(page, 0, 'interrupted');
      await expect(turn.locator('.answer-text').textContent()).resolves.toBe(BROKEN.slice(0, 3).join(''));
      await expect(turn.locator('.notice').textContent()).resolves.toContain('incomplete');
      await expect(turn.locator('.retry').isVisible()).resolves.toBe(true);
      await expect(turn.locator('.feedback').isHidden()).resolves.toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('says a message the guardrail blocked cannot be answered, and offers no retry', async () => {
    const page = await openPage({});
    try {
      await openWidget(page);
      // A denied word of the local endpoint's simulated guardrail (LOCAL_GUARDRAIL_WORDS' default).
      await ask(page, 'Can you recommend a manga about guardrail-test-block?');
      const turn = await settled(page, 0, 'failed');
      await expect(turn.locator('.notice').textContent()).resolves.toBe('This request cannot be answered.');
      await expect(turn.locator('.retry').isHidden()).resolves.toBe(true);
      await expect(turn.locator('.answer-text').textContent()).resolves.toBe('');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('reconnects after the connection drops mid-answer and resumes the same session', async () => {
    const page = await openPage({ customer: DEMO_CUSTOMERS[1] });
    try {
      await openWidget(page);
      await ask(page, 'Hello, can you recommend a manga like Vinland Saga? slowly please');
      await page.locator('.turn .answer[data-status="streaming"]').waitFor();
      await dropConnections();
      const lost = await settled(page, 0, 'interrupted');
      await expect(lost.locator('.notice').textContent()).resolves.toContain('connection was lost');
      await page.locator('.status[data-state="reconnecting"]').waitFor();
      await page.locator('.status[data-state="open"]').waitFor({ timeout: 10_000 });

      await lost.locator('.retry').click();
      await settled(page, 0);
      await ask(page, 'What about something like Planetes?');
      await settled(page, 1);
      const sessionId = (await sessionIdOf(page)) ?? '';
      expect(sessionId).toMatch(/^web-/);
      // Both answers after the reconnect are recorded under the session the widget started with.
      for (const index of [0, 1]) await expect(answerRecord(sessionId, await requestIdOf(page, index))).resolves.toMatchObject({ owner: `customer:${DEMO_CUSTOMERS[1]}` });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('reconnects a guest, whose conversation is its connection, without naming a session it cannot own', async () => {
    const page = await openPage({ customer: 'guest' });
    try {
      await openWidget(page);
      await ask(page, 'Hello!');
      await settled(page, 0);
      await dropConnections();
      await page.locator('.status[data-state="reconnecting"]').waitFor();
      await page.locator('.status[data-state="open"]').waitFor({ timeout: 10_000 });
      await ask(page, 'Can you recommend a manga like Pluto?');
      await settled(page, 1);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("starts a new session when the tab's stored one is another customer's, and the retry is answered there", async () => {
    const first = await openPage({ customer: DEMO_CUSTOMERS[1] });
    let foreign: string;
    try {
      await openWidget(first);
      await ask(first, 'Hello!');
      await settled(first, 0);
      foreign = (await sessionIdOf(first)) ?? '';
    } finally {
      await first.close();
    }
    const page = await openPage({ customer: DEMO_CUSTOMERS[0] }, foreign);
    try {
      await openWidget(page);
      await ask(page, 'Where is my order 12345?');
      const refused = await settled(page, 0, 'failed');
      await expect(refused.locator('.notice').textContent()).resolves.toContain('a new one has started');
      const renewed = (await sessionIdOf(page)) ?? '';
      expect(renewed).not.toBe(foreign);
      await refused.locator('.retry').click();
      await settled(page, 0);
      await expect(answerRecord(renewed, await requestIdOf(page, 0))).resolves.toMatchObject({ owner: `customer:${DEMO_CUSTOMERS[0]}` });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('asks a customer whose token the gateway refuses to sign in again, stops retrying, and recovers after signing in', async () => {
    const page = await openPage({});
    try {
      // The store's token endpoint hands out tokens that expired an hour ago (the customer's sign-in lapsed): signed by
      // the stack's real issuer, so it is the gateway's authorizer that refuses them (401 at the handshake).
      let expiredTokens = 0;
      await page.route('**/token', (route) => {
        expiredTokens += 1;
        return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ token: stack.issuer.sign({ customerId: DEMO_CUSTOMERS[0], ttlSeconds: -3600 }) }) });
      });
      await page.locator('.launcher').click();
      const status = page.locator('.status[data-state="signInRequired"]');
      await status.waitFor({ timeout: 15_000 });
      await expect(status.textContent()).resolves.toBe('Your sign-in has expired or was not accepted. Please sign in again to continue the chat.');
      // The first token, then a fresh one for each of the 3 refusals that end the retries.
      expect(expiredTokens).toBe(4);
      await expect(page.locator('.send').getAttribute('aria-disabled')).resolves.toBe('true');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'widget-signin-en.png') });

      // The customer cancels the store's sign-in: the state and its button stay, nothing reconnects.
      await page.getByRole('button', { name: 'Sign in again', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Demo sign-in' });
      await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
      await expect(dialog.isHidden()).resolves.toBe(true);
      await expect(page.locator('.signin-again').getAttribute('aria-disabled')).resolves.toBe('false');
      expect(expiredTokens).toBe(4);

      // Signed in again, the store's token endpoint issues a valid token, and the widget connects with it.
      await page.unroute('**/token');
      await page.getByRole('button', { name: 'Sign in again', exact: true }).click();
      await dialog.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.locator('.status[data-state="open"]').waitFor({ timeout: 10_000 });
      await expect(page.locator('.signin').isHidden()).resolves.toBe(true);
      expect(expiredTokens).toBe(4);
      await ask(page, 'Where is my order 12345?');
      const turn = await settled(page, 0);
      await expect(turn.locator('.answer-text').textContent()).resolves.toContain('12345');
      // The only problems are Chromium's console reports of the refused handshakes, four times: its words for the
      // authorizer's 401 (the page's script is not told why; the console is).
      const refusals = problems.filter((problem) => /WebSocket connection to .* failed/.test(problem));
      expect(refusals).toHaveLength(4);
      for (const refusal of refusals) expect(refusal).toMatch(/failed: HTTP Authentication failed/);
      expect(problems.filter((problem) => !refusals.includes(problem))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('sends thumbs and a CSAT score to the gateway, which stores them on the answer', async () => {
    const page = await openPage({});
    try {
      await openWidget(page);
      await ask(page, 'Where is my order 98765?');
      const turn = await settled(page, 0);
      await turn.getByRole('button', { name: 'Helpful', exact: true }).click();
      await turn.getByRole('button', { name: '4 of 5' }).click();
      await turn.getByText('Thank you for your feedback.').waitFor();
      await expect(turn.getByRole('button', { name: 'Helpful', exact: true }).getAttribute('aria-pressed')).resolves.toBe('true');
      const record = await answerRecord((await sessionIdOf(page)) ?? '', await requestIdOf(page, 0));
      expect(record).toMatchObject({ intent: 'order_status', rating: 'up', csat: 4, owner: `customer:${DEMO_CUSTOMERS[0]}` });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('works with the keyboard alone: open, ask, rate, close, with focus where it belongs', async () => {
    const page = await openPage({});
    /** The focused element inside the widget: its class, or its text for a score button. */
    const focused = (): Promise<string> =>
      page.evaluate(`(() => {
        const host = document.activeElement;
        if (!host || !host.shadowRoot) return 'page:' + (host ? host.id || host.tagName : '');
        const inner = host.shadowRoot.activeElement;
        return inner ? (inner.className + (inner.classList.contains('score') ? ':' + inner.textContent : '')) : 'host';
      })()`);
    const tabTo = async (target: string, key = 'Tab', limit = 12): Promise<void> => {
      for (let i = 0; i < limit && (await focused()) !== target; i += 1) await page.keyboard.press(key);
      expect(await focused()).toBe(target);
    };
    try {
      await tabTo('launcher');
      await page.keyboard.press('Enter');
      await page.locator('.status[data-state="open"]').waitFor();
      // Focus moves into the message box, which screen readers announce by its label.
      expect(await focused()).toBe('');
      await expect(page.evaluate("document.querySelector('[data-mangaassist-chat]').shadowRoot.activeElement.id")).resolves.toBe('mangaassist-input');
      await expect(page.getByRole('textbox', { name: 'Your message' }).count()).resolves.toBe(1);
      await page.keyboard.type('Where is my order 12345?');
      await page.keyboard.press('Enter');
      const turn = await settled(page, 0);
      await expect(turn.locator('.answer-text').textContent()).resolves.toContain('12345');
      await expect(page.locator('.announcer').textContent()).resolves.toContain('12345');

      await tabTo('up', 'Shift+Tab');
      await page.keyboard.press('Enter');
      await turn.locator('.csat:not([hidden])').waitFor();
      await tabTo('score:5');
      await page.keyboard.press('Space');
      await turn.getByText('Thank you for your feedback.').waitFor();
      await expect(turn.getByRole('button', { name: '5 of 5' }).getAttribute('aria-pressed')).resolves.toBe('true');

      await page.keyboard.press('Escape');
      await expect(page.locator('.panel').isHidden()).resolves.toBe(true);
      expect(await focused()).toBe('launcher');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
