import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MODEL_CATALOGS } from '../../lambdas/core/catalog';
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
