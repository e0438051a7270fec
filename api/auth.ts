import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { ROLES, type Actor } from '../workflows/roles.js';
import { discoveredKeys, DiscoveryError, providerClaims } from './oidc.js';
import { say, type Said } from './messages.js';

export interface AuthConfig {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** An OpenID provider whose keys are found through its discovery document (when `jwksUrl` is unset). */
  oidcIssuer?: string;
  /** Where a provider's token holds the roles (a claim or a dotted path); set with `oidcIssuer`. */
  rolesClaim?: string;
  /** The longest a token may live (exp − iat), in seconds; 12 hours unless set. */
  maxLifetimeSeconds?: number;
}

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;
/** Clocks disagree by seconds, not minutes: an `iat` further ahead than this was not issued now. */
const CLOCK_SKEW_SECONDS = 60;
/**
 * A client sends the same token with every request, and checking its signature cost a
 * third of a record write's CPU, so a verified token is remembered: until it expires,
 * but never longer than this, so that a key the identity provider withdraws stops
 * being honoured within a minute.
 */
const VERIFIED_TOKEN_TTL_MS = 60_000;
/** At most this many verified tokens are remembered; the oldest are forgotten first. */
const VERIFIED_TOKEN_CACHE_SIZE = 1_000;

/**
 * A person's id and name as the history will record them, checked like any input: an
 * identity provider is trusted to say who someone is, not to send text PostgreSQL can
 * store or a reader can trust (a NUL, a lone surrogate, a bidirectional override that
 * reorders what an auditor reads).
 */
const identityText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((v) => v.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)')
    // eslint-disable-next-line no-control-regex
    .refine((v) => !/[\u0000-\u001f\u007f-\u009f]/.test(v), 'must not hold control characters')
    .refine((v) => !/[\u202a-\u202e\u2066-\u2069]/.test(v), 'must not hold bidirectional override characters');

const claims = z.object({
  sub: identityText(200),
  name: identityText(200),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length * 2),
  exp: z.number(),
  iat: z.number().optional(),
});

/** A refused token, said as a key of `API_MESSAGES` so the 401 is worded in the caller's language. */
export class AuthError extends Error {
  constructor(readonly said: Said) {
    super(say(said, 'en'));
  }
}
/** The identity provider could not be reached: not the caller's fault, so not a 401. */
export class AuthUnavailableError extends Error {}

/**
 * Turns a bearer token into the actor every step records. HS256 with a shared secret
 * for a single deployment, or an organisation's identity provider through its JWKS.
 */
export function createTokenVerifier(config: AuthConfig): (token: string) => Promise<Actor> {
  const provider = Boolean(config.jwksUrl || config.oidcIssuer);
  if (provider && (!config.issuer || !config.audience)) {
    throw new Error('with an identity provider (JWKS_URL or OIDC_ISSUER), JWT_ISSUER and JWT_AUDIENCE are required (OIDC_ISSUER and OIDC_CLIENT_ID stand in for them): tokens meant for another service must not be accepted');
  }
  const key: Uint8Array | JWTVerifyGetKey = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl))
    : config.oidcIssuer
      ? discoveredKeys(config.oidcIssuer)
      : new TextEncoder().encode(requireSecret(config));
  const verified = new Map<string, { actor: Actor; until: number; exp: number }>();
  return async (token) => {
    const known = verified.get(token);
    if (known) {
      // Expired exactly as the library decides it: at the second `exp` names.
      if (known.until > Date.now() && known.exp > Math.floor(Date.now() / 1000)) return copyOf(known.actor);
      verified.delete(token);
    }
    const checked = await verify(token);
    if (verified.size >= VERIFIED_TOKEN_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, { ...checked, until: Date.now() + VERIFIED_TOKEN_TTL_MS });
    return copyOf(checked.actor);
  };

  async function verify(token: string): Promise<{ actor: Actor; exp: number }> {
    let payload: unknown;
    try {
      const verified = await jwtVerify(token, key as Uint8Array, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: provider ? undefined : ['HS256'],
        requiredClaims: ['exp', ...(provider ? ['iss', 'aud'] : [])],
      });
      payload = config.rolesClaim ? providerClaims(verified.payload, config.rolesClaim) : verified.payload;
    } catch (error) {
      if (error instanceof DiscoveryError) throw new AuthUnavailableError(error.message);
      const code = (error as { code?: string }).code;
      if (code === 'ERR_JWKS_TIMEOUT' || error instanceof TypeError) {
        throw new AuthUnavailableError(`the identity provider's keys could not be fetched: ${(error as Error).message}`);
      }
      throw new AuthError(describeRefusal(error));
    }
    const parsed = claims.safeParse(payload);
    if (!parsed.success) {
      const claims = parsed.error.issues.map((i) => i.path.join('.') || 'claims');
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'claims'} ${i.message}`);
      throw new AuthError({ key: 'token_claims_unacceptable', params: { claims, why } });
    }
    const { sub, name, roles, exp, iat } = parsed.data;
    const now = Math.floor(Date.now() / 1000);
    if (iat !== undefined && iat > now + CLOCK_SKEW_SECONDS) throw new AuthError({ key: 'token_from_future' });
    const maxLifetime = config.maxLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
    // The skew allowance also covers a signer that stamps iat and exp a second apart.
    if (exp - (iat ?? now) > maxLifetime + CLOCK_SKEW_SECONDS) {
      throw new AuthError({ key: 'token_too_long_lived', params: { hours: Math.round(maxLifetime / 3600) } });
    }
    return { actor: { sub, name, roles: [...new Set(roles)] }, exp };
  }
}

/** Each request gets an actor of its own: one request's changes never reach another's. */
const copyOf = (actor: Actor): Actor => ({ ...actor, roles: [...actor.roles] });

/**
 * Why a token was refused, in our words: the library's own texts name its internals
 * and change between versions, so they are not returned to the caller.
 */
function describeRefusal(error: unknown): Said {
  const { code, claim } = error as { code?: string; claim?: string };
  if (code === 'ERR_JWT_EXPIRED') return { key: 'token_expired' };
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return { key: 'token_claim_refused', params: { claim: claim ?? 'claims' } };
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || code === 'ERR_JWKS_NO_MATCHING_KEY') return { key: 'token_untrusted_key' };
  if (code === 'ERR_JOSE_ALG_NOT_ALLOWED') return { key: 'token_algorithm' };
  return { key: 'token_invalid' };
}

export async function mintToken(
  config: AuthConfig,
  actor: Actor,
  options: { expiresIn?: string } = {},
): Promise<string> {
  let jwt = new SignJWT({ name: actor.name, roles: actor.roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(actor.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h');
  if (config.issuer) jwt = jwt.setIssuer(config.issuer);
  if (config.audience) jwt = jwt.setAudience(config.audience);
  return jwt.sign(new TextEncoder().encode(requireSecret(config)));
}

function requireSecret(config: AuthConfig): string {
  if (!config.secret) throw new Error('JWT_SECRET is needed to sign or verify HS256 tokens');
  return config.secret;
}
