import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Headers every answer carries, for the console served from `/` (React with Ant
 * Design) and Swagger UI at `/docs`: scripts only from here, and inline styles
 * allowed because antd writes its CSS-in-JS into <style> elements at run time. No
 * page of ours may be framed (clickjacking a decision button), no type sniffed, and
 * no inspection URL leaves in a Referer.
 */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance, options: { connectSources?: string[] }) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'", ...(options.connectSources ?? [])],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      // The API is served over whatever TLS the reverse proxy terminates; HSTS is that proxy's to send.
      strictTransportSecurity: false,
    });
  },
  { name: 'security-headers' },
);
