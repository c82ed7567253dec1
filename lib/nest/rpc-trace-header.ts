/**
 * Finds an inbound `X-Teracron-Trace` on a microservice message, for transports that carry
 * headers: NATS (`ctx.getHeaders()`), RabbitMQ (message properties' headers), Kafka (message
 * headers, Buffers). TCP and Redis messages have no headers: their spans start a new trace.
 * Duck-typed on the transport contexts so @nestjs/microservices is never imported; never throws.
 */
const HEADER = 'x-teracron-trace';
const HEADER_VARIANTS = [HEADER, 'X-Teracron-Trace'];

export function rpcTraceHeaderOf(transportContext: unknown): string | undefined {
  if (transportContext === null || typeof transportContext !== 'object') return undefined;
  try {
    const context = transportContext as { getHeaders?: () => unknown; getMessage?: () => unknown };
    if (typeof context.getHeaders === 'function') return readHeader(context.getHeaders());
    if (typeof context.getMessage === 'function') {
      const message = context.getMessage() as { properties?: { headers?: unknown }; headers?: unknown } | null | undefined;
      return readHeader(message?.properties?.headers ?? message?.headers);
    }
  } catch {
    // A transport context that throws on inspection gets a new trace, not an error in the handler.
  }
  return undefined;
}

/** NATS headers answer `get(name)`; RabbitMQ and Kafka headers are plain objects (Kafka's values are Buffers). */
function readHeader(headers: unknown): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const getter = (headers as { get?: unknown }).get;
  if (typeof getter === 'function') {
    for (const name of HEADER_VARIANTS) {
      const value: unknown = getter.call(headers, name);
      if (typeof value === 'string' && value !== '') return value;
    }
    return undefined;
  }
  for (const name of HEADER_VARIANTS) {
    const value: unknown = (headers as Record<string, unknown>)[name];
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('latin1');
  }
  return undefined;
}
