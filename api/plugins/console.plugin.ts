import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export interface ConsoleOptions {
  /** The console's build (`web/dist`): index.html, hashed assets and their .br/.gz twins. */
  root: string;
}

// Paths the API owns: an unknown one stays a JSON 404 instead of becoming the console.
const API_PREFIXES = ['/api/', '/docs', '/health'];

/**
 * Serves the web console at `/`. Files come precompressed from the build (brotli at
 * its best level costs too much to do per request); every other path below `/` is a
 * client route of the single-page app, so it gets index.html.
 */
export const consolePlugin: FastifyPluginAsync<ConsoleOptions> = async (app, options) => {
  await app.register(fastifyStatic, {
    root: options.root,
    // Files are routed one by one at start-up, so the fallback below can own `/*`.
    wildcard: false,
    preCompressed: true,
    setHeaders(reply, path) {
      // Asset names carry a content hash; index.html names them, so it must be re-read.
      void reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (API_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix))) {
      return reply.callNotFound();
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
};
