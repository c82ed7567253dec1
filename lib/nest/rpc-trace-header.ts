/**
 * Finds an inbound `X-Teracron-Trace` on a microservice message: TCP and Redis packet metadata
 * (`ctx.getMetadata()`, Nest 12), NATS (`ctx.getHeaders()`), MQTT v5 user properties
 * (`ctx.getPacket()`), RabbitMQ (message properties' headers), Kafka (message headers, Buffers),
 * gRPC metadata (the handler's context, or the call's `metadata`). Duck-typed on the transport
 * contexts so @nestjs/microservices is never imported; never throws.
 */
const HEADER = 'x-teracron-trace';
const HEADER_VARIANTS = [HEADER, 'X-Teracron-Trace'];

export function rpcTraceHeaderOf(transportContext: unknown): string | undefined {
  if (transportContext === null || typeof transportContext !== 'object') return undefined;
  try {
    const context = transportContext as { getHeaders?: () => unknown; getMessage?: () => unknown; getMetadata?: () => unknown; getPacket?: () => unknown; metadata?: unknown };
    if (typeof context.getMetadata === 'function') return readHeader(context.getMetadata());
    if (typeof context.getHeaders === 'function') return readHeader(context.getHeaders());
    if (typeof context.getPacket === 'function') return readHeader((context.getPacket() as { properties?: { userProperties?: unknown } } | undefined)?.properties?.userProperties);
    // gRPC: the handler's context is the Metadata itself; the processing hooks see the call, which holds it.
    if (isGrpcMetadata(transportContext)) return readHeader(transportContext);
    if (isGrpcMetadata(context.metadata)) return readHeader(context.metadata);
    if (typeof context.getMessage === 'function') {
      const message = context.getMessage() as { properties?: { headers?: unknown }; headers?: unknown } | null | undefined;
      return readHeader(message?.properties?.headers ?? message?.headers);
    }
  } catch {
    // A transport context that throws on inspection gets a new trace, not an error in the handler.
  }
  return undefined;
}

function isGrpcMetadata(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { getMap?: unknown }).getMap === 'function' && typeof (value as { get?: unknown }).get === 'function';
}

/**
 * NATS headers answer `get(name)` with a string, gRPC metadata with an array; TCP/Redis metadata,
 * MQTT user properties, RabbitMQ and Kafka headers are plain objects (Kafka's values are Buffers).
 */
function readHeader(headers: unknown): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const getter = (headers as { get?: unknown }).get;
  if (typeof getter === 'function') {
    for (const name of HEADER_VARIANTS) {
      let value: unknown = getter.call(headers, name);
      if (Array.isArray(value)) value = value[0];
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
