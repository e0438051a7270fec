import { useSyncExternalStore } from 'react';
import type { Role } from '../../../workflows/roles';

export interface Person {
  sub: string;
  name: string;
  roles: Role[];
}

/** The identity provider a session came from: enough to end the session there too. */
export interface ProviderRef {
  issuer: string;
  clientId: string;
  /** Sent back as `id_token_hint` when signing out, so the provider knows whose session ends. */
  idToken: string | null;
}

export interface Session {
  token: string;
  person: Person;
  /** Epoch milliseconds of the token's `exp`, if it has one. */
  expiresAt: number | null;
  /** Absent for the demo sign-in. */
  provider?: ProviderRef;
}

/** Why the person is on the sign-in page, when it was not their choice. */
export type SignOutReason = 'expired' | 'signed_out';

const KEY = 'xuncha.session';
const REASON_KEY = 'xuncha.signout-reason';
const listeners = new Set<() => void>();
let current: Session | null = load();

function load(): Session | null {
  try {
    const stored = localStorage.getItem(KEY);
    return stored ? (JSON.parse(stored) as Session) : null;
  } catch {
    return null;
  }
}

function emit(): void {
  for (const listener of listeners) listener();
}

/**
 * A session from the demo sign-in's token. The person comes from the token's own claims,
 * which the API verifies on every request, so reading them unverified here only drives
 * the screens. (A provider's access token keeps its roles where the provider puts them:
 * that session's person comes from `GET /api/v1/me` instead.)
 */
export function sessionFromToken(token: string): Session {
  const payload = JSON.parse(decodeBase64Url(token.split('.')[1] ?? '')) as { sub: string; name: string; roles: Role[]; exp?: number };
  return {
    token,
    person: { sub: payload.sub, name: payload.name, roles: payload.roles },
    expiresAt: payload.exp ? payload.exp * 1000 : null,
  };
}

function decodeBase64Url(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

export function signIn(session: Session): void {
  current = session;
  localStorage.setItem(KEY, JSON.stringify(session));
  sessionStorage.removeItem(REASON_KEY);
  emit();
}

export function signOut(reason: SignOutReason): void {
  if (!current) return;
  const provider = current.provider;
  current = null;
  localStorage.removeItem(KEY);
  sessionStorage.setItem(REASON_KEY, reason);
  emit();
  // Signing out on purpose ends the provider's session too; an expired token does not,
  // so the person signs in again without typing a password the provider still remembers.
  if (reason === 'signed_out' && provider) void import('./oidc').then((oidc) => oidc.endProviderSession(provider));
}

/** For a sign-out that finishes after a round trip to the provider: the sign-in page it lands on says why. */
export function notePendingSignOut(reason: SignOutReason): void {
  sessionStorage.setItem(REASON_KEY, reason);
}

/** Read once by the sign-in page, so the message shows for the sign-out that caused it. */
export function takeSignOutReason(): SignOutReason | null {
  const reason = sessionStorage.getItem(REASON_KEY) as SignOutReason | null;
  sessionStorage.removeItem(REASON_KEY);
  return reason;
}

export function currentSession(): Session | null {
  // A token that ran out while the tab slept: treat it as the server would.
  if (current?.expiresAt && current.expiresAt <= Date.now()) signOut('expired');
  return current;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, currentSession);
}

export function hasRole(person: Person | undefined, ...roles: Role[]): boolean {
  return !!person && roles.some((role) => person.roles.includes(role));
}
