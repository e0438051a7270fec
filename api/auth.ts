import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { ROLES, type Actor } from '../workflows/roles.js';

export interface AuthConfig {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

const claims = z.object({
  sub: z.string().min(1),
  name: z.string().min(1),
  roles: z.array(z.enum(ROLES)).min(1),
});

export class AuthError extends Error {}
/** The identity provider could not be reached: not the caller's fault, so not a 401. */
export class AuthUnavailableError extends Error {}

/**
 * Turns a bearer token into the actor every step records. HS256 with a shared secret
 * for a single deployment, or an organisation's identity provider through its JWKS.
 */
export function createTokenVerifier(config: AuthConfig): (token: string) => Promise<Actor> {
  const key: Uint8Array | JWTVerifyGetKey = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl))
    : new TextEncoder().encode(requireSecret(config));
  return async (token) => {
    let payload: unknown;
    try {
      const verified = await jwtVerify(token, key as Uint8Array, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: config.jwksUrl ? undefined : ['HS256'],
      });
      payload = verified.payload;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_JWKS_TIMEOUT' || error instanceof TypeError) {
        throw new AuthUnavailableError(`the identity provider's keys could not be fetched: ${(error as Error).message}`);
      }
      throw new AuthError(`the token is not valid: ${(error as Error).message}`);
    }
    const parsed = claims.safeParse(payload);
    if (!parsed.success) {
      throw new AuthError(
        `the token lacks ${parsed.error.issues.map((i) => i.path.join('.') || 'claims').join(', ')} (needs sub, name and roles)`,
      );
    }
    const { sub, name, roles } = parsed.data;
    return { sub, name, roles: [...new Set(roles)] };
  };
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
