import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { httpRequestDuration } from '../platform/metrics.js';
import type { AuthConfig } from './auth.js';
import { registerErrorHandling } from './errors.js';
import { serializerCompiler } from './response-serializer.js';
import { authPlugin } from './plugins/auth.plugin.js';
import { consolePlugin, type ConsoleOptions } from './plugins/console.plugin.js';
import { DEFAULT_RATE_LIMIT_PER_MINUTE, rateLimitPlugin } from './plugins/rate-limit.plugin.js';
import { securityHeadersPlugin } from './plugins/security-headers.plugin.js';
import { servicesPlugin, type Services } from './plugins/services.plugin.js';
import { approvalRoutes } from './routes/approvals.routes.js';
import { attachmentRoutes } from './routes/attachments.routes.js';
import { demoRoutes } from './routes/demo.routes.js';
import { dossierRoutes } from './routes/dossier.routes.js';
import { consoleConfigRoutes, meRoutes } from './routes/sign-in.routes.js';
import type { OidcClientConfig } from './oidc.js';
import { leadRoutes } from './routes/leads.routes.js';
import { focusAreaRoutes } from './routes/focus-areas.routes.js';
import { organizationRoutes } from './routes/organizations.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { inspectionRoutes } from './routes/inspections.routes.js';
import { recordRoutes } from './routes/records.routes.js';
import { progressRoutes } from './routes/progress.routes.js';
import { questionnaireAnswerRoutes, questionnaireRoutes } from './routes/questionnaire.routes.js';
import { reportRoutes } from './routes/report.routes.js';
import { roundRoutes } from './routes/rounds.routes.js';
import { statisticsRoutes } from './routes/statistics.routes.js';
import { signingRoutes } from './signing.routes.js';
import { taskRoutes } from './routes/tasks.routes.js';
import { timelineRoutes } from './routes/timeline.routes.js';
import { termRoutes } from './routes/terms.routes.js';
import type { Actor } from '../workflows/roles.js';

export interface AppOptions {
  services: Services;
  auth: AuthConfig;
  logger?: FastifyServerOptions['logger'];
  /** The web console's build to serve at `/`; without it `/` is not served. */
  console?: ConsoleOptions;
  /** People anyone may sign in as without a password: only `npm start` on its own secret. */
  demoUsers?: readonly Actor[];
  /** Requests per minute per person (per address without a valid token); RATE_LIMIT_PER_MINUTE. */
  rateLimitPerMinute?: number;
  /** The identity provider the console sends people to (OIDC_ISSUER, OIDC_CLIENT_ID). */
  oidc?: OidcClientConfig;
}

/**
 * Builds the API from its parts without listening, so tests drive it with
 * `app.inject()` and only `server.ts` opens a port.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // A client's x-request-id is kept (it ties their logs to ours) only if it is a plain
    // token of sensible length; anything else would be written into every log line.
    genReqId: (request) => {
      const sent = request.headers['x-request-id'];
      return typeof sent === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(sent) ? sent : crypto.randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    // One line per request instead of Fastify's two, written below with the route and the caller.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  // The console talks to the provider itself (discovery, token endpoint).
  await app.register(securityHeadersPlugin, { connectSources: options.oidc ? [new URL(options.oidc.issuer).origin] : [] });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // Answers hold inspection content: no browser or proxy keeps a copy.
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route's pattern, not the URL: ids in paths would make every inspection a new series.
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    httpRequestDuration.observe({ method: request.method, route, status_code: reply.statusCode }, seconds);
    request.log.info(
      { method: request.method, route, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime), sub: request.actor?.sub },
      'request',
    );
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'xuncha API',
        description: 'Inspection rounds (巡察) as durable processes: launch, stage approvals, history.',
        version: '1',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(servicesPlugin, options.services);

  await app.register(healthRoutes);
  const demoUsers = options.demoUsers;
  if (demoUsers && options.auth.secret) {
    await app.register(demoRoutes, { prefix: '/api/v1', auth: options.auth, people: demoUsers });
  }
  await app.register(consoleConfigRoutes, { prefix: '/api/v1', demo: Boolean(demoUsers && options.auth.secret), oidc: options.oidc });
  // Outside the token's scope: a questionnaire code is its own credential.
  await app.register(questionnaireAnswerRoutes, { prefix: '/api/v1' });
  await app.register(
    async (v1) => {
      await v1.register(rateLimitPlugin, { perMinute: options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE, auth: options.auth });
      await v1.register(authPlugin, options.auth);
      await v1.register(roundRoutes);
      await v1.register(inspectionRoutes);
      await v1.register(approvalRoutes);
      await v1.register(recordRoutes);
      await v1.register(reportRoutes);
      await v1.register(progressRoutes);
      await v1.register(taskRoutes);
      await v1.register(questionnaireRoutes);
      await v1.register(focusAreaRoutes);
      await v1.register(timelineRoutes);
      await v1.register(organizationRoutes);
      await v1.register(termRoutes);
      await v1.register(statisticsRoutes);
      await v1.register(attachmentRoutes);
      await v1.register(leadRoutes);
      await v1.register(signingRoutes);
      await v1.register(dossierRoutes);
      await v1.register(meRoutes);
    },
    { prefix: '/api/v1' },
  );
  if (options.console) await app.register(consolePlugin, options.console);
  return app;
}
