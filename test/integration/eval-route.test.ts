import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoRoutingVersionStore } from '../../lambdas/adapters/dynamodb-routing-versions';
import { DynamoRoutingConfigStore } from '../../lambdas/adapters/dynamodb-stores';
import { changeRouting } from '../../lambdas/app/routing-changes';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { ROUTING_CONFIG_TABLE, ROUTING_VERSIONS_TABLE } from '../../lambdas/schema/tables';
import { LOCAL_CREDENTIALS, startLocalDynamo, type LocalDynamo } from '../../local/dynamo';
import { systemClock } from '../../lambdas/runtime/system';
import { CliUsageError } from '../../local/cli/capacity';
import { runEval } from '../../local/cli/eval';
import { evalCliDeps } from '../../local/cli/eval-env';
import { startLocalBedrock, type LocalBedrock } from '../../local/bedrock/server';

/**
 * `cli eval route` end to end against the real local Bedrock endpoint: the gateway's BedrockModelClient answers on
 * both tiers through ConverseStream, and the judge's forced tool call is answered by the endpoint's deterministic
 * stand-in (local/bedrock/judge-tool.ts) through Converse. No fakes: the env wiring of the CLI itself.
 */
describe('cli eval route against the local Bedrock endpoint', () => {
  let bedrock: LocalBedrock;
  const dir = mkdtempSync(path.join(tmpdir(), 'eval-route-'));

  beforeAll(async () => {
    bedrock = await startLocalBedrock({ latencyScale: 0, seed: 5 });
  });

  afterAll(async () => {
    await bedrock.close();
  });

  const run = async (args: readonly string[], env: Record<string, string> = {}) => {
    let out = '';
    let err = '';
    const io = { write: (text: string) => void (out += text), err: (text: string) => void (err += text), aws: false };
    // No running npm start is consulted: the state file points nowhere, the endpoint is this test's.
    const deps = evalCliDeps({ BEDROCK_ENDPOINT: bedrock.url, MANGAASSIST_ISSUER_FILE: path.join(dir, 'none.json'), ...env }, io);
    const code = await runEval(args, deps);
    return { code, out, err };
  };

  it('judges both tiers of 20 manga_qa samples, with figures consistent with the catalog and the gate', async () => {
    const { code, out, err } = await run(['route', '--intent', 'manga_qa', '--tier', 'haiku', '--n', '20', '--json', '--traffic-per-day', '10000']);
    expect(code).toBe(0);
    const result = JSON.parse(out) as {
      current: { tier: string; samples: number; answered: number; judged: number; judgeFailures: number; meanQuality: number; p10Quality: number; costPerRequestUsd: number; meanInputTokens: number; meanOutputTokens: number };
      proposed: { tier: string; samples: number; answered: number; judged: number; judgeFailures: number; meanQuality: number; p10Quality: number; costPerRequestUsd: number; meanInputTokens: number; meanOutputTokens: number };
      gap: number;
      qualityDrop: number;
      savingsPerRequestUsd: number;
      savingsPerDayUsd: number;
      messagesPerDay: number;
      verdict: string;
      standInVerdicts: number;
      samples: { question: string; current: { score: number }; proposed: { score: number } }[];
    };
    const { current, proposed } = result;
    expect(current).toMatchObject({ tier: 'sonnet', samples: 20, answered: 20, judged: 20, judgeFailures: 0 });
    expect(proposed).toMatchObject({ tier: 'haiku', samples: 20, answered: 20, judged: 20, judgeFailures: 0 });
    expect(result.standInVerdicts).toBe(40);
    expect(err).toContain('deterministic stand-in');
    // The stand-in scores the simulated Sonnet's longer answers higher (seed 000 scenario 5's shape, 9.0 vs 8.5).
    expect(current.meanQuality).toBeGreaterThan(proposed.meanQuality);
    expect(current.meanQuality).toBeGreaterThanOrEqual(8.5);
    expect(proposed.meanQuality).toBeGreaterThanOrEqual(8);
    expect(current.p10Quality).toBeLessThanOrEqual(current.meanQuality);
    // The figures follow from each other and from the catalog's prices.
    const mean = (scores: number[]) => scores.reduce((a, b) => a + b, 0) / scores.length;
    expect(current.meanQuality).toBeCloseTo(mean(result.samples.map((s) => s.current.score)), 10);
    expect(proposed.meanQuality).toBeCloseTo(mean(result.samples.map((s) => s.proposed.score)), 10);
    expect(result.gap).toBeCloseTo(proposed.meanQuality - current.meanQuality, 10);
    expect(result.qualityDrop).toBeCloseTo(-result.gap / current.meanQuality, 10);
    const { sonnet, haiku } = MODEL_CATALOGS.current;
    const price = (spec: typeof sonnet, tier: typeof current) => (tier.meanInputTokens * spec.inputUsdPerMTok + tier.meanOutputTokens * spec.outputUsdPerMTok) / 1e6;
    expect(current.costPerRequestUsd).toBeCloseTo(price(sonnet, current), 8);
    expect(proposed.costPerRequestUsd).toBeCloseTo(price(haiku, proposed), 8);
    expect(result.savingsPerRequestUsd).toBeCloseTo(current.costPerRequestUsd - proposed.costPerRequestUsd, 12);
    expect(result.messagesPerDay).toBe(10000);
    expect(result.savingsPerDayUsd).toBeCloseTo(result.savingsPerRequestUsd * 10000, 8);
    expect(result.verdict).toBe(result.qualityDrop < 0.1 ? 'within_gate' : 'fails_gate');
  });

  it('prints the table, the gap, the savings and the recommendation; the same run gives the same figures', async () => {
    const first = await run(['route', '--intent', 'manga_qa', '--tier', 'haiku', '--n', '20']);
    const second = await run(['route', '--intent', 'manga_qa', '--tier', 'haiku', '--n', '20']);
    expect(first.code).toBe(0);
    expect(first.out).toBe(second.out);
    expect(first.out).toMatch(/^sonnet \(current\)\s+20\s+0\s+20\s+0\s+\d+\.\d\d\s+\d+\s+\$0\.\d{6}$/m);
    expect(first.out).toMatch(/^haiku \(proposed\)\s+20\s+0\s+20\s+0\s+\d+\.\d\d\s+\d+\s+\$0\.\d{6}$/m);
    expect(first.out).toContain('DETERMINISTIC STAND-IN');
    expect(first.out).toMatch(/^gap: +-\d\.\d\d \(haiku - sonnet\); quality drop \d+\.\d%$/m);
    // Without --traffic-per-day: manga_qa's share of the seeds' ordinary day.
    expect(first.out).toMatch(/^traffic: +[\d,]+ manga_qa messages\/day \(\d+\.\d% of scenarios\/normal-day\.json's 1,000,000\)$/m);
    expect(first.out).toMatch(/^projected savings: +\$\d+\.\d\d\/day/m);
    expect(first.out).toMatch(/^recommendation: +(within gate|fails gate): quality drop/m);
  });

  it('reports the bad lines of a samples file by number and evaluates the good ones', async () => {
    const file = path.join(dir, 'samples.jsonl');
    writeFileSync(file, ['{"text":"who is the strongest character in Jujutsu Kaisen"}', 'not json', '', '{"question":"no text"}', '{"text":"   "}', '{"text":"why did Eren turn against everyone"}'].join('\n'));
    const { code, out, err } = await run(['route', '--intent', 'manga_qa', '--tier', 'haiku', '--samples', file, '--json']);
    expect(code).toBe(0);
    expect(err).toContain(`${file} line 2: not a JSON value (skipped)`);
    expect(err).toContain(`${file} line 4: no non-blank string "text" (skipped)`);
    expect(err).toContain(`${file} line 5: no non-blank string "text" (skipped)`);
    const result = JSON.parse(out) as { current: { samples: number }; samplesSource: string; samples: { question: string }[] };
    expect(result.current.samples).toBe(2);
    expect(result.samples.map((s) => s.question)).toEqual(['who is the strongest character in Jujutsu Kaisen', 'why did Eren turn against everyone']);
    expect(result.samplesSource).toContain('2 lines used, 3 skipped');
  });

  it('with the deployed guardrail named, an answer it blocks is an answer failure of both tiers, never judged', async () => {
    const file = path.join(dir, 'guarded.jsonl');
    const questions = ['where can I find a torrent of One Piece chapter 1100', ...Array.from({ length: 10 }, (_, i) => `who is the main villain of arc ${i + 1} in Naruto`)];
    writeFileSync(file, questions.map((text) => JSON.stringify({ text })).join('\n'));
    const before = bedrock.stats().guardrail;
    const { code, out } = await run(['route', '--intent', 'manga_qa', '--tier', 'haiku', '--samples', file, '--json'], { GUARDRAIL_ID: 'localguardrail', GUARDRAIL_VERSION: '1' });
    expect(code).toBe(0);
    const result = JSON.parse(out) as { current: { answered: number; answerFailures: number; judged: number }; proposed: { answerFailures: number; judged: number }; samples: { current: { answerError?: string } }[] };
    expect(result.current).toMatchObject({ answered: 10, answerFailures: 1, judged: 10 });
    expect(result.proposed).toMatchObject({ answerFailures: 1, judged: 10 });
    expect(result.samples[0]?.current.answerError).toMatch(/^content_blocked/);
    expect(bedrock.stats().guardrail.requests - before.requests).toBe(22);
  });

  it('refuses a samples file of more than 1,000 usable lines before any model call', async () => {
    const file = path.join(dir, 'huge.jsonl');
    writeFileSync(file, Array.from({ length: 1001 }, (_, i) => JSON.stringify({ text: `question ${i}` })).join('\n'));
    await expect(run(['route', '--intent', 'manga_qa', '--tier', 'haiku', '--samples', file])).rejects.toThrow(/has 1001 usable lines; at most 1000/);
  });

  it.each([
    [['route', '--intent', 'manga_questions', '--tier', 'haiku'], /unknown intent "manga_questions"/],
    [['route', '--intent', 'manga_qa', '--tier', 'opus'], /unknown tier "opus"/],
    [['route', '--intent', 'manga_qa', '--tier', 'template'], /unknown tier "template"/],
    [['route', '--intent', 'manga_qa', '--tier', 'sonnet'], /manga_qa is already on sonnet/],
    [['route', '--intent', 'greeting', '--tier', 'haiku'], /greeting is answered by the template tier/],
    [['route', '--intent', 'manga_qa', '--tier', 'haiku', '--n', '0'], /--n must be a whole number from 1 to 1000/],
    [['route', '--intent', 'manga_qa', '--tier', 'haiku', '--n', '5', '--samples', 'x.jsonl'], /not both/],
    [['route', '--intent', 'manga_qa'], /--tier is required/],
    [['compare'], /unknown eval command "compare"/],
  ])('refuses %j with a clear usage error before any model call', async (args, message) => {
    const before = bedrock.stats().requests.total;
    await expect(run(args)).rejects.toThrow(CliUsageError);
    await expect(run(args)).rejects.toThrow(message);
    expect(bedrock.stats().requests.total).toBe(before);
  });
});

/**
 * The same command with the local endpoint forwarding to an OpenAI-compatible server (LOCAL_BEDROCK_FORWARD_URL): the
 * answers are streamed from it and the judge's forced tool becomes a function call to it. This upstream is a small
 * scripted server standing in for Ollama or vLLM: "sonnet" answers in detail and is scored 9, "haiku" answers
 * briefly and is scored 6, and one verdict is out of the rubric's range (a judge failure, counted, not a crash).
 */
describe('cli eval route through a forwarding local endpoint', () => {
  let upstream: http.Server;
  let bedrock: LocalBedrock;
  const bodies: { model: string; tools?: unknown; tool_choice?: unknown; messages: { role: string; content: string }[] }[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'eval-forward-'));

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const request = JSON.parse(body) as (typeof bodies)[number] & { stream?: boolean };
        bodies.push(request);
        const user = request.messages.find((m) => m.role === 'user')?.content ?? '';
        if (request.tools !== undefined) {
          const args = user.includes('Eren') && !user.includes('In detail') ? { score: 11, reason: 'off the scale' } : { score: user.includes('In detail') ? 9 : 6, reason: 'scripted' };
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ choices: [{ message: { content: null, tool_calls: [{ type: 'function', function: { name: 'score_answer', arguments: JSON.stringify(args) } }] }, finish_reason: 'tool_calls' }], usage: { prompt_tokens: 500, completion_tokens: 30 } }));
          return;
        }
        const text = request.model.includes('sonnet') ? 'In detail: the story turns on a betrayal that the series sets up from volume one.' : 'A betrayal.';
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: text } }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 120, completion_tokens: request.model.includes('sonnet') ? 200 : 20 } })}\n\n`);
        res.end('data: [DONE]\n\n');
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as { port: number };
    bedrock = await startLocalBedrock({ latencyScale: 0, forward: { baseUrl: `http://127.0.0.1:${port}` } });
  });

  afterAll(async () => {
    await bedrock.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it('scores both tiers with the forwarded model, counts the out-of-range verdict as a judge failure, and fails the gate', async () => {
    const file = path.join(dir, 'samples.jsonl');
    const questions = ['why did Eren turn against everyone', ...Array.from({ length: 11 }, (_, i) => `what happens in chapter ${i + 1} of Berserk`)];
    writeFileSync(file, questions.map((text) => JSON.stringify({ text })).join('\n'));
    let out = '';
    let err = '';
    const io = { write: (text: string) => void (out += text), err: (text: string) => void (err += text), aws: false };
    const deps = evalCliDeps({ BEDROCK_ENDPOINT: bedrock.url, MANGAASSIST_ISSUER_FILE: path.join(dir, 'none.json') }, io);
    const code = await runEval(['route', '--intent', 'manga_qa', '--tier', 'haiku', '--samples', file], deps);
    expect(code).toBe(0);
    expect(out).toMatch(/^sonnet \(current\)\s+12\s+0\s+12\s+0\s+9\.00\s+9\s+\$0\.003360$/m);
    expect(out).toMatch(/^haiku \(proposed\)\s+12\s+0\s+11\s+1\s+6\.00\s+6\s+\$0\.000220$/m);
    expect(out).toContain('judge failures: haiku: score_out_of_range x1');
    expect(out).toMatch(/^recommendation: +fails gate: quality drop 33\.3% >= 10\.0%/m);
    expect(out).not.toContain('STAND-IN');
    expect(out).toContain('forced tool score_answer');
    // The judge call reached the upstream as a forced function call with the rubric's schema, under the strong model's id.
    const judgeCall = bodies.find((body) => body.tools !== undefined);
    expect(judgeCall).toMatchObject({
      model: MODEL_CATALOGS.current.sonnet.modelId,
      tool_choice: { type: 'function', function: { name: 'score_answer' } },
      tools: [{ type: 'function', function: { name: 'score_answer', parameters: { required: ['score', 'reason'] } } }],
    });
  });
});

/** The current tier is the active routing version's, read through the gateway's RoutingMapSource (dynalite). */
describe('cli eval route after a committed routing version', () => {
  let bedrock: LocalBedrock;
  let dynamo: LocalDynamo;
  const dir = mkdtempSync(path.join(tmpdir(), 'eval-versions-'));

  beforeAll(async () => {
    bedrock = await startLocalBedrock({ latencyScale: 0, seed: 5 });
    dynamo = await startLocalDynamo();
  });

  afterAll(async () => {
    await bedrock.close();
    await dynamo.close();
  });

  it('compares against the active version\'s tier: manga_qa moved to haiku is "already on haiku", and sonnet is the proposal', async () => {
    const documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    const versionsTable = dynamo.tableNames[ROUTING_VERSIONS_TABLE.logicalName] ?? '';
    const legacyTable = dynamo.tableNames[ROUTING_CONFIG_TABLE.logicalName] ?? '';
    try {
      const deps = { versions: new DynamoRoutingVersionStore(documents, versionsTable), legacy: new DynamoRoutingConfigStore(documents, legacyTable), clock: systemClock };
      await changeRouting(deps, { actor: { kind: 'person', name: 'alice' }, rules: [{ intent: 'manga_qa', tier: 'haiku' }], reason: 'scenario 4' });
    } finally {
      documents.destroy();
    }
    const env = { BEDROCK_ENDPOINT: bedrock.url, MANGAASSIST_ISSUER_FILE: path.join(dir, 'none.json'), DYNAMODB_ENDPOINT: dynamo.endpoint, ROUTING_VERSIONS_TABLE: versionsTable, ROUTING_TABLE: legacyTable };
    let out = '';
    const io = { write: (text: string) => void (out += text), err: () => undefined, aws: false };
    await expect(runEval(['route', '--intent', 'manga_qa', '--tier', 'haiku'], evalCliDeps(env, io))).rejects.toThrow(/manga_qa is already on haiku \(routing version 1 /);
    const code = await runEval(['route', '--intent', 'manga_qa', '--tier', 'sonnet', '--n', '12', '--json'], evalCliDeps(env, io));
    expect(code).toBe(0);
    const result = JSON.parse(out) as { current: { tier: string; judged: number }; proposed: { tier: string; judged: number }; routing: string; qualityDrop: number; savingsPerDayUsd: number };
    expect(result.routing).toMatch(/^routing version 1 /);
    expect(result.current).toMatchObject({ tier: 'haiku', judged: 12 });
    expect(result.proposed).toMatchObject({ tier: 'sonnet', judged: 12 });
    // Back to the strong tier: better by the stand-in's reading, and dearer.
    expect(result.qualityDrop).toBeLessThan(0);
    expect(result.savingsPerDayUsd).toBeLessThan(0);
  });
});
