import { parseArgs } from 'node:util';
import { issuerStateFile, NoLocalIssuerError, requestLocalToken } from '../issuer-state';

export const TOKEN_USAGE = `usage: mangaassist token --customer ID [--scope "SCOPES"]

Prints a token of the running npm start's local issuer for customer ID (one line on stdout), accepted by that stack's
$connect authorizer for an hour: connect with ws://127.0.0.1:3001/?token=<token>. The issuer's token endpoint is read
from .mangaassist/local-issuer.json (MANGAASSIST_ISSUER_FILE), which npm start writes when it listens. The demo orders
belong to demo-customer-1 (12345, 98765) and demo-customer-2 (55555); any other id owns nothing.

options:
  --customer ID    the customer id (the token's sub): 1-128 letters, digits, . _ @ : + -
  --scope SCOPES   space-separated scopes, e.g. "mangaassist/operator" (full routing reasons in route frames)`;

export interface TokenDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** `token --customer ID`: 0 with the token on stdout; 2 for bad usage; 1 when no running stack answers. */
export const runToken = async (args: readonly string[], deps: TokenDeps): Promise<number> => {
  let values: { customer?: string; scope?: string };
  try {
    ({ values } = parseArgs({ args: [...args], options: { customer: { type: 'string' }, scope: { type: 'string' } }, allowPositionals: false, strict: true }));
  } catch (error) {
    deps.err(`mangaassist token: ${error instanceof Error ? error.message : String(error)}\n\n${TOKEN_USAGE}\n`);
    return 2;
  }
  if (values.customer === undefined || !/^[\w.@:+-]{1,128}$/.test(values.customer)) {
    deps.err(`mangaassist token: --customer ID is required (1-128 letters, digits, . _ @ : + -)\n\n${TOKEN_USAGE}\n`);
    return 2;
  }
  try {
    const { token } = await requestLocalToken(issuerStateFile(deps.env), values.customer, values.scope);
    deps.out(`${token}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof NoLocalIssuerError)) throw error;
    deps.err(`mangaassist token: ${error.message}\n`);
    return 1;
  }
};
