/** Entry of a benchmark app process: OpenTelemetry must be set up before Nest and express load. */
if (process.env.BENCH_VARIANT === 'otel') require('./otel-setup');
require('./http-app');
