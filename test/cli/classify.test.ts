import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { KeywordClassifier } from '../../lambdas/core/classifier';
import { DEFAULT_FAQ, type FaqEntry } from '../../lambdas/core/faq';
import { classifyLine, runClassify } from '../../local/cli/classify';
import type { Classification, IntentClassifier } from '../../lambdas/core/vocabulary';

const REPO_ROOT = resolve(__dirname, '..', '..');

/** A sink that records what was written; `delayMs` makes it slow so the writer must respect backpressure. */
const collector = (
  options: { highWaterMark?: number; delayMs?: number } = {},
): { sink: Writable; lines: () => unknown[]; maxBufferedBytes: () => number } => {
  const chunks: string[] = [];
  let maxBufferedBytes = 0;
  const sink: Writable = new Writable({
    highWaterMark: options.highWaterMark ?? 16384,
    write(chunk: Buffer, _encoding, callback) {
      maxBufferedBytes = Math.max(maxBufferedBytes, sink.writableLength);
      chunks.push(chunk.toString('utf8'));
      if (options.delayMs === undefined) callback();
      else setTimeout(callback, options.delayMs);
    },
  });
  const lines = (): unknown[] =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as unknown);
  return { sink, lines, maxBufferedBytes: () => maxBufferedBytes };
};

const fixed: IntentClassifier = {
  classify: (): Classification => ({ intent: 'greeting', confidence: 0.9, complexity: 1, signals: [] }),
};

describe('runClassify', () => {
  it('writes one line per non-blank input line, in order, with errors in the slot of the bad line', async () => {
    const input = Readable.from([
      '{"text":"where is my order 12345"}\n',
      '\n',
      'not json at all\n',
      '   \n',
      '{"message":"no text field"}\n',
      '{"text":42}\n',
      '["text"]\n',
      '{"text":"注文番号１２３４５はどこ？"}\n',
    ]);
    const { sink, lines } = collector();

    const summary = await runClassify(input, sink, new KeywordClassifier());

    expect(lines()).toEqual([
      { text: 'where is my order 12345', intent: 'order_status', tier: 'template', complexity: expect.any(Number), confidence: expect.any(Number), source: 'rules', needsLlm: false },
      { error: { code: 'invalid_json', message: expect.any(String) }, line: 3 },
      { error: { code: 'missing_text', message: expect.any(String) }, line: 5 },
      { error: { code: 'missing_text', message: expect.any(String) }, line: 6 },
      { error: { code: 'missing_text', message: expect.any(String) }, line: 7 },
      { text: '注文番号１２３４５はどこ？', intent: 'order_status', tier: 'template', complexity: expect.any(Number), confidence: expect.any(Number), source: 'rules', needsLlm: false },
    ]);
    expect(summary).toEqual({ classified: 2, errors: 4 });
  });

  it('reassembles lines split across chunks and handles CRLF and a final line without a newline', async () => {
    const input = Readable.from(['{"text":"hel', 'lo"}\r\n{"text":"ありが', 'とう"}']);
    const { sink, lines } = collector();

    await runClassify(input, sink, fixed);

    expect(lines()).toEqual([
      { text: 'hello', intent: 'greeting', tier: 'template', complexity: 1, confidence: 0.9, source: 'rules', needsLlm: false },
      { text: 'ありがとう', intent: 'greeting', tier: 'template', complexity: 1, confidence: 0.9, source: 'rules', needsLlm: false },
    ]);
  });

  it('waits for a slow consumer instead of buffering the whole input, and keeps the order', async () => {
    const texts = Array.from({ length: 50 }, (_, index) => `message ${String(index).padStart(2, '0')}`);
    const input = Readable.from(texts.map((text) => `${JSON.stringify({ text })}\n`));
    const { sink, lines, maxBufferedBytes } = collector({ highWaterMark: 1, delayMs: 1 });

    await runClassify(input, sink, fixed);

    const lineBytes = JSON.stringify(lines()[0]).length + 1;
    expect(lines().map((line) => (line as { text: string }).text)).toEqual(texts);
    expect(maxBufferedBytes()).toBeLessThanOrEqual(2 * lineBytes);
  });
});

describe('classifyLine', () => {
  it('takes the routing tier of the intent from the default routing map', () => {
    const result = classifyLine('{"text":"recommend a manga like Berserk"}', 1, new KeywordClassifier());

    expect(result).toMatchObject({ intent: 'recommendation', tier: 'sonnet' });
  });

  it('ignores a byte order mark on the first line', () => {
    expect(classifyLine('\uFEFF{"text":"hi"}', 1, fixed)).toMatchObject({ text: 'hi', intent: 'greeting' });
  });
});

describe('classifyLine with the FAQ', () => {
  const classifier = new KeywordClassifier();
  const line = (text: string, faq?: readonly FaqEntry[]) => classifyLine(JSON.stringify({ text }), 1, classifier, faq);

  it.each([
    ['What payment methods do you accept?', 'payment'],
    ['お支払い方法を教えてください', 'payment'],
    ['What is your return policy?', 'returns_refunds'],
    ['送料はいくらですか', 'shipping_info'],
    ['How do I reset my password?', 'account'],
  ])('reports the template tier for %j, a question of the embedded default FAQ', (text, intent) => {
    expect(line(text)).toMatchObject({ text, intent, tier: 'template' });
  });

  it.each([
    'What payment methods do you accept, and how long does shipping take?',
    'Can I cancel order 12345 and pay with PayPal instead?',
    'This is unacceptable, what is your return policy?',
    'Do you accept returns of manga that I bought in a shop in Osaka as a gift for a friend who already had them?',
  ])('keeps the model tier for %j (compound, an order number, a complaint, too long)', (text) => {
    expect(line(text)).toMatchObject({ tier: 'haiku' });
  });

  it('answers from the FAQ it is given: none, then the default without payment methods', () => {
    const withoutPayments = DEFAULT_FAQ.filter((entry) => entry.id !== 'payment-methods');

    expect(line('What payment methods do you accept?', [])).toMatchObject({ tier: 'haiku' });
    expect(line('What payment methods do you accept?', withoutPayments)).toMatchObject({ tier: 'haiku' });
  });

  it('streams FAQ answers through runClassify with the embedded default FAQ', async () => {
    const input = Readable.from(['{"text":"Do you ship internationally?"}\n', '{"text":"recommend a manga like Berserk"}\n']);
    const { sink, lines } = collector();

    await runClassify(input, sink, classifier);

    expect(lines()).toEqual([
      expect.objectContaining({ intent: 'shipping_info', tier: 'template' }),
      expect.objectContaining({ intent: 'recommendation', tier: 'sonnet' }),
    ]);
  });
});

describe('bin/cli.ts classify', () => {
  it('classifies stdin lines as a child process and writes JSON lines to stdout', async () => {
    const child = spawn('npx', ['tsx', 'bin/cli.ts', 'classify'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stdin.end('{"text":"hello"}\n{oops\n{"text":"I want to talk to a human"}\n');

    const code = await new Promise<number | null>((resolvePromise) => child.on('close', (exitCode: number | null) => resolvePromise(exitCode)));

    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(code).toBe(0);
    expect(lines).toEqual([
      expect.objectContaining({ text: 'hello', intent: 'greeting', tier: 'template' }),
      { error: { code: 'invalid_json', message: expect.any(String) }, line: 2 },
      expect.objectContaining({ text: 'I want to talk to a human', intent: 'escalation', tier: 'template' }),
    ]);
  });

  it('reports the template tier for a question the embedded default FAQ answers, in English and Japanese', async () => {
    const child = spawn('npx', ['tsx', 'bin/cli.ts', 'classify'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stdin.end('{"text":"Which payment methods do you accept?"}\n{"text":"返品の期限はいつまでですか"}\n');

    const code = await new Promise<number | null>((resolvePromise) => child.on('close', (exitCode: number | null) => resolvePromise(exitCode)));

    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((out) => JSON.parse(out) as Record<string, unknown>),
    ).toEqual([
      expect.objectContaining({ intent: 'payment', tier: 'template' }),
      expect.objectContaining({ intent: 'returns_refunds', tier: 'template' }),
    ]);
  });
});
