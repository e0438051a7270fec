import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { notePendingSignOut, type ProviderRef, type Session } from './session';

/** The provider as the server's console configuration names it. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  scope: string;
}

const CALLBACK_PATH = '/signin/callback';

/**
 * One client per provider: authorization code with PKCE, nothing renewed silently (a
 * token that runs out sends the person back to sign in, as the demo's does), and the
 * library's own state in sessionStorage, gone with the tab.
 */
function managerFor(config: { issuer: string; clientId: string; scope?: string }): UserManager {
  const origin = window.location.origin;
  return new UserManager({
    authority: config.issuer,
    client_id: config.clientId,
    scope: config.scope ?? 'openid',
    redirect_uri: `${origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${origin}/signin`,
    response_type: 'code',
    automaticSilentRenew: false,
    monitorSession: false,
    loadUserInfo: false,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

/** Off to the provider's login page; `from` is where the person was going, restored on return. */
export async function signInWithProvider(config: OidcConfig, from: string): Promise<void> {
  await managerFor(config).signinRedirect({ state: { from } });
}

/**
 * Back from the provider: the code is exchanged (with the PKCE verifier kept for it)
 * for tokens. The access token is what the API verifies; the ID token is kept only to
 * end the session at the provider later.
 */
export async function completeProviderSignIn(config: OidcConfig): Promise<{ session: Omit<Session, 'person'>; from: string }> {
  const user = await managerFor(config).signinRedirectCallback();
  const provider: ProviderRef = { issuer: config.issuer, clientId: config.clientId, idToken: user.id_token ?? null };
  return {
    session: { token: user.access_token, expiresAt: user.expires_at ? user.expires_at * 1000 : null, provider },
    from: (user.state as { from?: string } | undefined)?.from ?? '/',
  };
}

/**
 * Signing out ends the session at the provider too when it offers that
 * (`end_session_endpoint`); otherwise the local sign-out is all there is, and the
 * provider's own session lets the person straight back in until it ends.
 */
export async function endProviderSession(provider: ProviderRef): Promise<void> {
  const manager = managerFor(provider);
  await manager.removeUser();
  let endpoint: string | undefined;
  try {
    endpoint = await manager.metadataService.getEndSessionEndpoint();
  } catch {
    return;
  }
  if (!endpoint) return;
  // The sign-in page that reads this message is the one the provider sends us back to.
  notePendingSignOut('signed_out');
  await manager.signoutRedirect({ id_token_hint: provider.idToken ?? undefined });
}
