/**
 * The route template of an HTTP request (`/orders/:id`), by which its span is named, never by its
 * raw path: raw paths carry ids, which would make every request its own operation and could leak
 * data. Read duck-typed from Express (`req.route.path` under `req.baseUrl`) and Fastify
 * (`req.routeOptions.url`, Fastify 4.10 and later); the global prefix and versions are part of both.
 */

interface ExpressLikeRequest {
  baseUrl?: unknown;
  route?: { path?: unknown };
}

interface FastifyLikeRequest {
  routeOptions?: { url?: unknown };
}

/** The template of the route that matched, or undefined when the platform does not say. */
export function routeTemplateOf(request: object): string | undefined {
  // Express first: its `route` is an own property, while a miss on `routeOptions` would walk the
  // long prototype chain of Node's request on every call. Fastify's request has no `route`.
  const { baseUrl, route } = request as ExpressLikeRequest;
  if (typeof route?.path === 'string') return (typeof baseUrl === 'string' ? baseUrl : '') + route.path;
  const fastifyUrl = (request as FastifyLikeRequest).routeOptions?.url;
  if (typeof fastifyUrl === 'string' && fastifyUrl !== '') return fastifyUrl;
  return undefined;
}

/** The path a request arrived with, without its query string (for `exclude` entries written as paths). */
export function requestPathOf(request: { url?: string }): string {
  const raw = request.url ?? '';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}
