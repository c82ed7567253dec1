/** The HTTP benchmark's variants, in the order they are compared. */
export const HTTP_VARIANTS = ['bare', 'interceptor', 'als', 'teracron', 'otel', 'floors'] as const;
export type HttpVariant = (typeof HTTP_VARIANTS)[number];

export const VARIANT_LABELS: Record<HttpVariant, string> = {
  bare: '(a) bare Nest',
  interceptor: '(b) + pass-through global interceptor',
  als: '(c) + AsyncLocalStorage.run per request',
  teracron: '(d) Nest + TeracronModule, @Trace × 3',
  otel: '(e) Nest + OpenTelemetry (http, express, nestjs-core, manual spans × 3)',
  floors: '(f) + both floors: the pass-through interceptor and AsyncLocalStorage.run per request',
};

/** Messages an app process sends its runner. */
export type AppMessage = { type: 'ready'; port: number } | { type: 'cpu'; userMicros: number; systemMicros: number; delayP99Ms: number; delayMaxMs: number; spans: SpanCounts | undefined };

/** The span lane's counters of a Teracron app so far. */
export interface SpanCounts {
  sent: number;
  dropped: number;
}
