import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { JwtTokenVerifier } from '../../lambdas/adapters/jwt-token-verifier';
import { runToken } from '../../local/cli/token';
import { startLocalIssuer } from '../../local/issuer';
import { writeIssuerState } from '../../local/issuer-state';

describe('cli token', () => {
  const run = async (args: string[], file: string) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runToken(args, { env: { MANGAASSIST_ISSUER_FILE: file }, out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out: out.join(''), err: err.join('') };
  };

  it('prints a token of the running stack issuer, which that issuer verifies, for the customer asked', async () => {
    const issuer = await startLocalIssuer();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'issuer-')), 'local-issuer.json');
    writeIssuerState(file, { url: 'ws://127.0.0.1:1', issuer: issuer.issuer, audience: issuer.audience, tokenEndpoint: issuer.tokenEndpoint, pid: process.pid });
    try {
      const result = await run(['--customer', 'demo-customer-2'], file);

      expect(result.code).toBe(0);
      expect(result.out.endsWith('\n')).toBe(true);
      const claims = await new JwtTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, allowLoopbackHttpJwks: true }).verify(result.out.trim());
      expect(claims).toMatchObject({ sub: 'demo-customer-2', aud: issuer.audience, token_use: 'access' });
    } finally {
      await issuer.close();
    }
  });

  it('says clearly when no npm start is running (exit 1) and refuses bad usage (exit 2)', async () => {
    const missing = path.join(tmpdir(), 'no-such-dir-xyz', 'local-issuer.json');
    expect(await run(['--customer', 'c1'], missing)).toMatchObject({ code: 1, out: '', err: expect.stringContaining('no running npm start found') });
    expect(await run([], missing)).toMatchObject({ code: 2, err: expect.stringContaining('--customer ID is required') });
    expect(await run(['--customer', 'a b'], missing)).toMatchObject({ code: 2 });
    expect(await run(['--bogus'], missing)).toMatchObject({ code: 2 });
  });
});
