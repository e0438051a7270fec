import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ROLES } from '../workflows/roles.js';

/** What the console needs to send a person to the provider: public values only, never a secret. */
export interface OidcClientConfig {
  issuer: string;
  clientId: string;
  scope: string;
  /** A claim name or a dotted path into the access token (`realm_access.roles`). */
  rolesClaim: string;
}

const DISCOVERY_TIMEOUT_MS = 5000;

/** The provider could not tell us where its keys are: not the caller's fault. */
export class DiscoveryError extends Error {}

/**
 * The provider's signing keys, found through its discovery document. Discovered on the
 * first token rather than at start-up, so the API comes up (and says so at /health)
 * while the provider is down, and a failed discovery is tried again on the next token.
 */
export function discoveredKeys(issuer: string): JWTVerifyGetKey {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const discover = async (): Promise<JWTVerifyGetKey> => {
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      document = (await response.json()) as typeof document;
    } catch (error) {
      throw new DiscoveryError(`the identity provider's discovery document could not be read: ${(error as Error).message}`);
    }
    // OpenID Connect Discovery 1.0 §4.3: a document naming another issuer must not be used.
    if (document.issuer !== issuer) throw new DiscoveryError(`the discovery document names issuer ${String(document.issuer)}, not ${issuer}`);
    if (typeof document.jwks_uri !== 'string') throw new DiscoveryError('the discovery document has no jwks_uri');
    return createRemoteJWKSet(new URL(document.jwks_uri));
  };
  return async (header, token) => {
    keys ??= discover().catch((error: unknown) => {
      keys = undefined;
      throw error;
    });
    return (await keys)(header, token);
  };
}

/**
 * The claims our verifier reads, from a provider's access token: roles from wherever
 * the provider keeps them, and the name from `name` or, failing that, the login name.
 * Roles the provider holds for other applications (Keycloak's `offline_access`) are
 * not ours to refuse: only the ones xuncha knows are kept.
 */
export function providerClaims(payload: JWTPayload, rolesClaim: string): JWTPayload {
  const found = claimAt(payload, rolesClaim);
  const listed = Array.isArray(found) ? found : typeof found === 'string' ? found.split(/\s+/) : [];
  const roles = listed.filter((role): role is string => typeof role === 'string' && (ROLES as readonly string[]).includes(role));
  return { ...payload, name: payload.name ?? payload.preferred_username, roles };
}

function claimAt(payload: JWTPayload, path: string): unknown {
  // A claim whose own name has a dot (some providers use URLs as claim names) wins over a path.
  if (path in payload) return payload[path];
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

interface OidcSettings {
  OIDC_ISSUER?: string;
  OIDC_CLIENT_ID?: string;
  OIDC_ROLES_CLAIM: string;
  OIDC_SCOPE: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
}

export function oidcClientOf(settings: OidcSettings): OidcClientConfig | undefined {
  if (!settings.OIDC_ISSUER || !settings.OIDC_CLIENT_ID) return undefined;
  return { issuer: settings.OIDC_ISSUER, clientId: settings.OIDC_CLIENT_ID, scope: settings.OIDC_SCOPE, rolesClaim: settings.OIDC_ROLES_CLAIM };
}

/**
 * How the API verifies the provider's access tokens: issued by it, and meant for us,
 * which is the console's client id unless the provider names the API as an audience
 * of its own (`JWT_AUDIENCE`, e.g. a resource indicator).
 */
export function oidcAuthOf(settings: OidcSettings): { oidcIssuer: string; rolesClaim: string; issuer: string; audience: string } | undefined {
  const client = oidcClientOf(settings);
  if (!client) return undefined;
  return {
    oidcIssuer: client.issuer,
    rolesClaim: client.rolesClaim,
    issuer: settings.JWT_ISSUER ?? client.issuer,
    audience: settings.JWT_AUDIENCE ?? client.clientId,
  };
}
