import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TEMPORAL_CONFIG_DIR, TEMPORAL_CONFIG_ENV } from '../platform/cluster.js';
import { TEMPORAL_SERVER_VERSION } from '../platform/temporal-server.js';

// Static checks of docker-compose.yml / Dockerfile: no Docker engine needed.

const root = fileURLToPath(new URL('..', import.meta.url));

type Service = {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  depends_on?: string[] | Record<string, unknown>;
  environment?: string[] | Record<string, string | number | boolean | null>;
  entrypoint?: string | string[];
  healthcheck?: { test?: string | string[] };
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
};

// merge: the file shares Temporal's database settings between services with a YAML merge key.
const compose = parse(readFileSync(resolve(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services?: Record<string, Service>;
};
const services = compose.services ?? {};
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  scripts?: Record<string, string>;
};
const scripts = pkg.scripts ?? {};

const APP_SERVICES = ['api', 'worker'] as const;

function service(name: string): Service {
  const s = services[name];
  if (!s) throw new Error(`service ${name} missing from docker-compose.yml`);
  return s;
}

/** Compose accepts both `KEY: value` maps and `KEY=value` lists. */
function env(s: Service): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(s.environment)) {
    for (const entry of s.environment) {
      const eq = entry.indexOf('=');
      if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
  } else if (s.environment) {
    for (const [k, v] of Object.entries(s.environment)) {
      if (v !== null && v !== undefined) out[k] = String(v);
    }
  }
  return out;
}

/** Compose accepts both a list of names and a map of name -> condition. */
function dependsOn(s: Service): string[] {
  if (!s.depends_on) return [];
  return Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on);
}

function commandText(command: string | string[] | undefined): string {
  if (command === undefined) return '';
  return Array.isArray(command) ? command.join(' ') : command;
}

function npmRunTargets(text: string): string[] {
  return [...text.matchAll(/\bnpm\s+run(?:-script)?\s+([^\s"'&;|]+)/g)].map((m) => m[1]!);
}

function dockerfilePath(s: Service): string {
  const build = s.build;
  if (build === undefined) throw new Error('service has no build section');
  const context = typeof build === 'string' ? build : (build.context ?? '.');
  const dockerfile = typeof build === 'string' ? 'Dockerfile' : (build.dockerfile ?? 'Dockerfile');
  return resolve(root, context, dockerfile);
}

describe('docker-compose.yml', () => {
  it('defines every service the README names', () => {
    for (const name of ['postgresql', 'temporal-schema', 'temporal', 'temporal-namespace', 'temporal-ui', 'api', 'worker']) {
      expect(Object.keys(services), `service ${name}`).toContain(name);
    }
  });

  it('uses pinned images for the infrastructure services', () => {
    for (const name of ['postgresql', 'temporal-schema', 'temporal', 'temporal-namespace', 'temporal-ui']) {
      const image = service(name).image ?? '';
      // name:tag with a concrete tag, never implicit/explicit "latest".
      expect(image, name).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(image, name).not.toMatch(/:latest$/);
    }
    expect(service('postgresql').image).toMatch(/^postgres:16\b/);
  });

  it('builds api and worker from the repository Dockerfile, which exists', () => {
    for (const name of APP_SERVICES) {
      const path = dockerfilePath(service(name));
      expect(path, name).toBe(resolve(root, 'Dockerfile'));
      expect(existsSync(path), `${path} exists`).toBe(true);
    }
  });

  it('ships the folders the api/worker entry points live in', () => {
    const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8');
    const copied = new Set(
      [...dockerfile.matchAll(/^COPY\s+(?:--\S+\s+)*(.+)$/gm)].flatMap((m) =>
        m[1]!.trim().split(/\s+/).slice(0, -1).map((p) => p.replace(/^\.\//, '').replace(/\/$/, '')),
      ),
    );
    expect(copied).toContain('package.json');
    expect(copied).toContain('package-lock.json');
    for (const script of ['start:api', 'start:worker']) {
      const entry = /\btsx\s+(\S+)/.exec(scripts[script] ?? '')?.[1];
      expect(entry, `${script} runs a file with tsx`).toBeDefined();
      const topFolder = entry!.split('/')[0]!;
      expect(copied, `Dockerfile copies ${topFolder}/ for ${script}`).toContain(topFolder);
    }
  });

  it('makes api and worker depend on temporal and postgresql', () => {
    for (const name of APP_SERVICES) {
      const deps = dependsOn(service(name));
      expect(deps, name).toContain('temporal');
      expect(deps, name).toContain('postgresql');
    }
    expect(dependsOn(service('temporal-ui'))).toContain('temporal');
    expect(dependsOn(service('temporal-namespace'))).toContain('temporal');
  });

  it('runs the same Temporal server version that npm run cluster builds', () => {
    const version = TEMPORAL_SERVER_VERSION.replace(/^v/, '');
    for (const name of ['temporal-schema', 'temporal', 'temporal-namespace']) {
      expect(service(name).image, name).toBe(`temporalio/auto-setup:${version}`);
    }
  });

  it('starts temporal-server with the configuration files npm run cluster and the cluster tier use', () => {
    const temporal = service('temporal');
    const mount = (temporal.volumes ?? []).map((v) => v.split(':')).find(([source]) => resolve(root, source!) === resolve(root, TEMPORAL_CONFIG_DIR));
    expect(mount, `a volume mounting ./${TEMPORAL_CONFIG_DIR}`).toBeDefined();
    const target = mount![1]!;
    const command = `${commandText(temporal.entrypoint)} ${commandText(temporal.command)}`;
    expect(command).toMatch(/\btemporal-server\b/);
    const root_ = /--root\s+(\S+)/.exec(command)?.[1] ?? '.';
    const configDir = /--config\s+(\S+)/.exec(command)?.[1];
    expect(configDir && resolve(root_, configDir)).toBe(target);
    expect(/--env\s+(\S+)/.exec(command)?.[1]).toBe(TEMPORAL_CONFIG_ENV);
    expect(existsSync(resolve(root, TEMPORAL_CONFIG_DIR, `${TEMPORAL_CONFIG_ENV}.yaml`))).toBe(true);

    const e = env(temporal);
    const dynamic = e.TEMPORAL_DYNAMIC_CONFIG_FILE ?? '';
    expect(dynamic.startsWith(`${target}/`), `${dynamic} lies in the mounted folder`).toBe(true);
    expect(existsSync(resolve(root, TEMPORAL_CONFIG_DIR, dynamic.slice(target.length + 1)))).toBe(true);
  });

  it('points Temporal and its schema job at the postgresql service with its credentials', () => {
    const pg = env(service('postgresql'));
    const config = readFileSync(resolve(root, TEMPORAL_CONFIG_DIR, `${TEMPORAL_CONFIG_ENV}.yaml`), 'utf8');
    for (const name of ['temporal', 'temporal-schema']) {
      const t = env(service(name));
      expect(t.TEMPORAL_DB_HOST, name).toBe('postgresql');
      expect(t.TEMPORAL_DB_PORT, name).toBe('5432');
      expect(t.TEMPORAL_DB_USER, name).toBe(pg.POSTGRES_USER);
      expect(t.TEMPORAL_DB_PASSWORD, name).toBe(pg.POSTGRES_PASSWORD);
      expect(t.TEMPORAL_DB, name).toBeTruthy();
      expect(t.TEMPORAL_VISIBILITY_DB, name).toBeTruthy();
      expect(t.TEMPORAL_DB, name).not.toBe(pg.POSTGRES_DB);
    }
    // Every variable compose sets for the server is one the configuration reads.
    for (const key of Object.keys(env(service('temporal')))) expect(config, key).toContain(`env "${key}"`);
    expect(dependsOn(service('temporal'))).toContain('temporal-schema');
    expect(dependsOn(service('temporal-schema'))).toContain('postgresql');
  });

  it('exposes neither the Temporal frontend nor the Web UI without authentication', () => {
    expect(service('temporal').ports ?? []).toEqual([]);
    const ui = service('temporal-ui');
    if ((ui.ports ?? []).length > 0) {
      expect(env(ui).TEMPORAL_AUTH_ENABLED).toBe('true');
      for (const key of ['TEMPORAL_AUTH_PROVIDER_URL', 'TEMPORAL_AUTH_CLIENT_ID', 'TEMPORAL_AUTH_CLIENT_SECRET', 'TEMPORAL_AUTH_CALLBACK_URL']) {
        // Required from the operator (${VAR:?…}), never a default that would let the UI start open.
        expect(env(ui)[key], key).toMatch(/^\$\{[A-Z_]+:\?/);
      }
      expect(env(ui).TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
      for (const port of ui.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('runs Temporal with mutual TLS and gives each of its clients the topology\'s certificate, required from the operator', () => {
    // The server's side: config/temporal/postgres.yaml refuses to render without it, and asks every client for a certificate.
    const config = readFileSync(resolve(root, TEMPORAL_CONFIG_DIR, `${TEMPORAL_CONFIG_ENV}.yaml`), 'utf8');
    expect(config.match(/requireClientAuth: true/g)).toHaveLength(2);
    expect(config).toMatch(/\{\{- fail "set TEMPORAL_TLS_SERVER_CA_CERT/);
    // File by file: each side gets its own key, and no container gets the authority's key.
    const mounted = (s: Service) =>
      Object.fromEntries(
        (s.volumes ?? [])
          .map((v) => /^\$\{TEMPORAL_TLS_DIR:\?[^}]*\}\/([\w.]+):\/run\/xuncha\/temporal-tls\/([\w.]+):ro$/.exec(v))
          .filter((m): m is RegExpExecArray => m !== null && m[1] === m[2])
          .map((m) => [m[1]!, true]),
      );
    const temporal = service('temporal');
    expect(mounted(temporal)).toEqual({ 'ca.pem': true, 'server.pem': true, 'server.key': true });
    for (const key of ['TEMPORAL_TLS_SERVER_CA_CERT', 'TEMPORAL_TLS_SERVER_CERT', 'TEMPORAL_TLS_SERVER_KEY']) {
      expect(env(temporal)[key], key).toMatch(/^\/run\/xuncha\/temporal-tls\//);
    }
    // Every client: the api, the worker, the namespace job and the Web UI.
    for (const name of [...APP_SERVICES, 'temporal-namespace', 'temporal-ui']) {
      const client = service(name);
      expect(mounted(client), name).toEqual({ 'ca.pem': true, 'client.pem': true, 'client.key': true });
      expect(env(client), name).toMatchObject({
        TEMPORAL_TLS_CA: '/run/xuncha/temporal-tls/ca.pem',
        TEMPORAL_TLS_CERT: '/run/xuncha/temporal-tls/client.pem',
        TEMPORAL_TLS_KEY: '/run/xuncha/temporal-tls/client.key',
        TEMPORAL_TLS_SERVER_NAME: env(temporal).TEMPORAL_TLS_SERVER_NAME,
      });
    }
    for (const s of Object.values(services)) expect((s.volumes ?? []).join(' ')).not.toContain('ca.key');
    // The health check's CLI presents the server's own pair (made for client use too).
    expect(temporal.healthcheck?.test).toEqual(expect.arrayContaining(['--tls-cert-path', '/run/xuncha/temporal-tls/server.pem', '--tls-ca-path']));
  });

  it('gives the api and the worker the same payload keys, required from the operator', () => {
    for (const name of APP_SERVICES) expect(env(service(name)).PAYLOAD_KEYS, name).toBe('${PAYLOAD_KEYS:?set PAYLOAD_KEYS}');
  });

  it('gives postgresql a data volume and a pg_isready healthcheck', () => {
    const pg = service('postgresql') as Service & { volumes?: string[] };
    expect((pg.volumes ?? []).some((v) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
    expect(commandText(pg.healthcheck?.test)).toContain('pg_isready');
  });

  it('sets the environment api and worker need, consistent with the other services', () => {
    const pg = env(service('postgresql'));
    for (const name of APP_SERVICES) {
      const e = env(service(name));
      for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TASK_QUEUE']) {
        expect(e[key], `${name}.${key}`).toBeTruthy();
      }

      const db = new URL(e.DATABASE_URL!);
      expect(db.protocol, `${name} DATABASE_URL scheme`).toMatch(/^postgres(ql)?:$/);
      expect(db.hostname, `${name} DATABASE_URL host`).toBe('postgresql');
      expect(db.port || '5432').toBe('5432');
      expect(decodeURIComponent(db.username)).toBe(pg.POSTGRES_USER);
      expect(decodeURIComponent(db.password)).toBe(pg.POSTGRES_PASSWORD);
      expect(db.pathname.slice(1)).toBe(pg.POSTGRES_DB ?? pg.POSTGRES_USER);

      expect(e.TEMPORAL_ADDRESS, `${name} TEMPORAL_ADDRESS`).toBe('temporal:7233');
    }
    const api = env(service('api'));
    const worker = env(service('worker'));
    // The api starts workflows on the queue the worker polls.
    expect(api.TASK_QUEUE).toBe(worker.TASK_QUEUE);
    expect(api.TEMPORAL_NAMESPACE ?? 'default').toBe(worker.TEMPORAL_NAMESPACE ?? 'default');
    expect(api.PORT).toBeTruthy();
    expect(api.HOST).toBe('0.0.0.0');
    expect(api.JWT_SECRET).toBeTruthy();
  });

  it('runs api and worker with their own npm scripts', () => {
    expect(npmRunTargets(commandText(service('api').command))).toEqual(['start:api']);
    expect(npmRunTargets(commandText(service('worker').command))).toEqual(['start:worker']);
  });

  it('only uses `npm run` scripts that exist in package.json', () => {
    const used = Object.values(services).flatMap((s) => npmRunTargets(commandText(s.command)));
    const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8');
    const cmd = /^CMD\s+(.+)$/m.exec(dockerfile)?.[1] ?? '';
    used.push(...npmRunTargets(cmd.replace(/[[\]",]/g, ' ')));

    expect(used.length).toBeGreaterThanOrEqual(3);
    for (const script of used) {
      expect(Object.keys(scripts), `npm run ${script}`).toContain(script);
    }
  });
});
