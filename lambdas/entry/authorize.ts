import { JwtTokenVerifier } from '../adapters/jwt-token-verifier';
import { log, PowertoolsMetricsSink } from '../adapters/powertools';
import { REFUSE_EVERY_TOKEN } from '../core/auth';
import { makeAuthorizerHandler } from '../handlers/authorize';
import { parseAuthConfig } from '../runtime/auth-config';
import { ENV } from '../runtime/env-names';
import { instrument } from '../runtime/instrument';
import { systemClock } from '../runtime/system';

// Parsed once per cold start: a bad AUTH_CONFIG fails the init (every connection refused), never half-applies.
const config = parseAuthConfig(process.env[ENV.authConfig]);
const verifier = config.jwksUri === undefined ? REFUSE_EVERY_TOKEN : new JwtTokenVerifier({ issuer: config.policy.issuer, jwksUri: config.jwksUri });

export const handler = instrument(makeAuthorizerHandler({ verifier, policy: config.policy, clock: systemClock, log, metrics: new PowertoolsMetricsSink() }));
