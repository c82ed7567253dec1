/**
 * OpenTelemetry as its users set it up (variant e): a NodeTracerProvider with a
 * BatchSpanProcessor and the OTLP/HTTP exporter to a loopback sink, plus the HTTP, Express and
 * Nest instrumentations. Loaded before anything requires http, express or Nest.
 */
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const provider = new NodeTracerProvider({
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: process.env.OTLP_URL }))],
});
provider.register();
registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation(), new NestInstrumentation()] });

export async function shutdownOtel(): Promise<void> {
  await provider.shutdown();
}
