/** The HTTP benchmark's variants, in the order they are compared. */
export const HTTP_VARIANTS = ['bare', 'interceptor', 'als', 'teracron', 'teracron-all', 'teracron-interceptor', 'otel'] as const;
export type HttpVariant = (typeof HTTP_VARIANTS)[number];

export const VARIANT_LABELS: Record<HttpVariant, string> = {
  bare: '(a) bare Nest',
  interceptor: '(b) + pass-through global interceptor (floor)',
  als: '(c) + AsyncLocalStorage.run per request (floor)',
  teracron: '(d) Nest + TeracronModule, @Trace × 3 (default: no interceptor on HTTP routes)',
  'teracron-all': "(d'') same, every trace kept (`traceAdaptiveSampling: false`: each span built and queued, the queue's overflow dropped)",
  'teracron-interceptor': "(d') same as (d), `httpInterceptor: true`",
  otel: '(e) Nest + OpenTelemetry (http, express, nestjs-core, manual spans × 3)',
};

/** The two app dependency sets: the repo's own (Nest 12) and bench/nest11's. */
export const NEST_SETS = ['12', '11'] as const;
export type NestSet = (typeof NEST_SETS)[number];

/** Messages an app process sends its runner. */
export type AppMessage =
  | { type: 'ready'; port: number; nest: string }
  | { type: 'cpu'; userMicros: number; systemMicros: number; delayP99Ms: number; delayMaxMs: number; spans: SpanCounts | undefined };

/** The span lane's counters of a Teracron app so far. */
export interface SpanCounts {
  sent: number;
  dropped: number;
}
