import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSConfig } from '@temporalio/client';

/**
 * Temporal as a trust boundary (issue 12 §1): in the production topology the frontend
 * requires mutual TLS, so only a process holding a certificate signed by the
 * topology's own authority (the API, the workers, an operator's CLI) may talk to it.
 * A client without one is refused during the handshake, before any request is read.
 *
 * The variables carry the names the `temporal` CLI and the Web UI read, so one
 * environment serves all three.
 */
export interface TemporalTlsSettings {
  /** The authority that signed the frontend's certificate (PEM file). */
  TEMPORAL_TLS_CA?: string;
  /** This client's certificate and key (PEM files), presented to the frontend. */
  TEMPORAL_TLS_CERT?: string;
  TEMPORAL_TLS_KEY?: string;
  /** The name in the frontend's certificate, when it differs from TEMPORAL_ADDRESS's host. */
  TEMPORAL_TLS_SERVER_NAME?: string;
}

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

/** What the SDK's Connection and NativeConnection take; no TLS at all when nothing is set (the embedded dev server). */
export function temporalTlsConfig(settings: TemporalTlsSettings): TLSConfig | undefined {
  const { TEMPORAL_TLS_CA: ca, TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key, TEMPORAL_TLS_SERVER_NAME: serverName } = settings;
  if (!ca && !cert && !serverName) return undefined;
  return {
    ...(serverName ? { serverNameOverride: serverName } : {}),
    ...(ca ? { serverRootCACertificate: readFileSync(ca) } : {}),
    ...(cert && key ? { clientCertPair: { crt: readFileSync(cert), key: readFileSync(key) } } : {}),
  };
}

export function temporalConnectionOptions(settings: TemporalTlsSettings & { TEMPORAL_ADDRESS?: string }): { address: string; tls?: TLSConfig } {
  const tls = temporalTlsConfig(settings);
  return { address: settings.TEMPORAL_ADDRESS ?? DEFAULT_TEMPORAL_ADDRESS, ...(tls ? { tls } : {}) };
}

/** The files `makeTemporalCertificates` leaves in its folder. */
export interface TemporalCertificates {
  dir: string;
  /** The topology's own authority: trusted by the server for clients, and by clients for the server. */
  ca: string;
  /** The server's certificate: the frontend's, the services' among themselves, the system workers'. */
  serverCert: string;
  serverKey: string;
  /** What the API, the workers and an operator's CLI present. */
  clientCert: string;
  clientKey: string;
  /** The DNS name in the server's certificate, which clients verify. */
  serverName: string;
}

export const TEMPORAL_TLS_SERVER_NAME = 'temporal';

/** Renewed when this close to expiry, so a long-lived development topology never starts on an expired one. */
const RENEW_WITHIN_SECONDS = 7 * 24 * 3600;

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`openssl ${args[0]} failed${stderr ? `: ${stderr}` : ''} (openssl makes the Temporal certificates: install it, or bring your own)`, { cause: error });
  }
}

function validFor(cert: string, seconds: number, cwd: string): boolean {
  try {
    execFileSync('openssl', ['x509', '-checkend', String(seconds), '-noout', '-in', cert], { cwd, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A certificate authority and two certificates it signs, made with `openssl` in `dir`
 * (kept, and reused while valid): the server's, for `serverName`, `localhost` and
 * 127.0.0.1 (both server and client use, since the services also call each other and
 * the frontend), and one client certificate for xuncha's own processes. Private keys are
 * readable by their owner only. For a topology on one machine and for compose; an
 * organisation with its own PKI issues these instead.
 */
export function makeTemporalCertificates(dir: string, serverName = TEMPORAL_TLS_SERVER_NAME): TemporalCertificates {
  const files: TemporalCertificates = {
    dir,
    ca: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
    serverName,
  };
  const all = [files.ca, files.serverCert, files.serverKey, files.clientCert, files.clientKey];
  if (all.every((f) => existsSync(f)) && [files.ca, files.serverCert, files.clientCert].every((c) => validFor(c, RENEW_WITHIN_SECONDS, dir))) {
    return files;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', '/O=xuncha/CN=xuncha Temporal CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const issue = (name: string, subject: string, extensions: string[]) => {
    writeFileSync(join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
    openssl(['req', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', `0x${randomBytes(16).toString('hex')}`,
      '-days', '825', '-extfile', `${name}.ext`, '-out', `${name}.pem`], dir);
    rmSync(join(dir, `${name}.csr`));
    rmSync(join(dir, `${name}.ext`));
  };
  const endEntity = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature'];
  issue('server', `/O=xuncha/CN=${serverName}`, [...endEntity, 'extendedKeyUsage=serverAuth,clientAuth', `subjectAltName=DNS:${serverName},DNS:localhost,IP:127.0.0.1`]);
  issue('client', '/O=xuncha/CN=xuncha', [...endEntity, 'extendedKeyUsage=clientAuth']);
  for (const secret of ['ca.key', 'server.key', 'client.key']) chmodSync(join(dir, secret), 0o600);
  return files;
}

/** The client side of `certificates`, as the API, the workers and the CLI read it. */
export function clientTlsEnv(certificates: TemporalCertificates): Required<TemporalTlsSettings> {
  return {
    TEMPORAL_TLS_CA: certificates.ca,
    TEMPORAL_TLS_CERT: certificates.clientCert,
    TEMPORAL_TLS_KEY: certificates.clientKey,
    TEMPORAL_TLS_SERVER_NAME: certificates.serverName,
  };
}

/** The server side, as config/temporal/postgres.yaml reads it. */
export function serverTlsEnv(certificates: TemporalCertificates): Record<string, string> {
  return {
    TEMPORAL_TLS_SERVER_CA_CERT: certificates.ca,
    TEMPORAL_TLS_SERVER_CERT: certificates.serverCert,
    TEMPORAL_TLS_SERVER_KEY: certificates.serverKey,
    TEMPORAL_TLS_SERVER_NAME: certificates.serverName,
  };
}
