/** The HTTP benchmark's variants, in the order they are compared. */
export const HTTP_VARIANTS = ['bare', 'interceptor', 'als', 'teracron', 'otel'] as const;
export type HttpVariant = (typeof HTTP_VARIANTS)[number];

export const VARIANT_LABELS: Record<HttpVariant, string> = {
  bare: '(a) bare Nest',
  interceptor: '(b) + pass-through global interceptor',
  als: '(c) + AsyncLocalStorage.run per request',
  teracron: '(d) Nest + TeracronModule, @Trace × 3',
  otel: '(e) Nest + OpenTelemetry (http, express, nestjs-core, manual spans × 3)',
};

/** Messages an app process sends its runner. */
export type AppMessage = { type: 'ready'; port: number } | { type: 'cpu'; userMicros: number; systemMicros: number; delayP99Ms: number };
