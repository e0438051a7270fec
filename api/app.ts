import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AuthConfig } from './auth.js';
import { registerErrorHandling } from './errors.js';
import { authPlugin } from './plugins/auth.plugin.js';
import { servicesPlugin, type Services } from './plugins/services.plugin.js';
import { approvalRoutes } from './routes/approvals.routes.js';
import { focusAreaRoutes } from './routes/focus-areas.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { inspectionRoutes } from './routes/inspections.routes.js';
import { recordRoutes } from './routes/records.routes.js';
import { progressRoutes } from './routes/progress.routes.js';
import { reportRoutes } from './routes/report.routes.js';
import { roundRoutes } from './routes/rounds.routes.js';

export interface AppOptions {
  services: Services;
  auth: AuthConfig;
  logger?: FastifyServerOptions['logger'];
}

/**
 * Builds the API from its parts without listening, so tests drive it with
 * `app.inject()` and only `server.ts` opens a port.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    genReqId: (request) => (request.headers['x-request-id'] as string | undefined) ?? crypto.randomUUID(),
    requestIdHeader: 'x-request-id',
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
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
  await app.register(
    async (v1) => {
      await v1.register(authPlugin, options.auth);
      await v1.register(roundRoutes);
      await v1.register(inspectionRoutes);
      await v1.register(approvalRoutes);
      await v1.register(recordRoutes);
      await v1.register(reportRoutes);
      await v1.register(progressRoutes);
      await v1.register(focusAreaRoutes);
    },
    { prefix: '/api/v1' },
  );
  return app;
}
