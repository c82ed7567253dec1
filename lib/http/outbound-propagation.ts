/**
 * Outbound trace context: requests made inside a trace carry X-Teracron-Trace (and, with
 * `propagation: ['teracron', 'w3c']`, a W3C `traceparent` and the trace's `tracestate`) to the
 * hosts that `propagateTo` allows, and each is a client span (outbound-request-spans) unless
 * `clientSpans` is off. fetch and undici announce each request on the `undici:request:create`
 * diagnostics channel early enough to add a header. Node 20's `http.client.request.start`
 * channel fires after the headers are written, so for node:http(s) we wrap `request`/`get` on
 * the core modules (never user code), and use `http.client.request.created` where Node has it.
 * Our own export requests are never touched. Reference-counted: several apps may enable it.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import { isOwnExportRequest } from '../core/client-registry';
import type { TraceSink } from '../core/trace-sink';
import { currentTraceContext, type TraceContext } from '../tracing/context';
import { TRACE_HEADER } from '../tracing/propagation';
import { TRACEPARENT_HEADER, traceparentFor, TRACESTATE_HEADER, tracestateOf } from '../tracing/w3c-trace-context';
import { HostAllowlist } from './host-allowlist';
import { listenForRequestEnds, startRequestSpan } from './outbound-request-spans';

/** The trace headers outbound requests may carry: ours (`X-Teracron-Trace`) and W3C's (`traceparent`, `tracestate`). */
export type PropagationFormat = 'teracron' | 'w3c';
export const PROPAGATION_FORMATS: readonly PropagationFormat[] = ['teracron', 'w3c'];
export const DEFAULT_PROPAGATION: readonly PropagationFormat[] = ['teracron'];

export interface OutboundPropagationOptions {
  /** Hosts that may receive the headers; undefined = all. */
  propagateTo?: Array<string | RegExp>;
  /** Headers to send. Default `['teracron']`. */
  propagation?: readonly PropagationFormat[];
  /** A child span per outbound request made inside a sampled trace. Default true. */
  clientSpans?: boolean;
  /** The client whose traces `clientSpans` applies to (an app's); without one, to traces no registration names. */
  sink?: TraceSink;
}

interface Registration {
  allowlist: HostAllowlist;
  teracron: boolean;
  w3c: boolean;
  spans: boolean;
  sink: TraceSink | undefined;
}

/** What a request to one host gets, from every app that enabled propagation. */
interface HostDecision {
  teracron: boolean;
  w3c: boolean;
}

interface UndiciRequest {
  origin?: string | URL;
  path?: string;
  headers?: string | string[] | Record<string, unknown>;
  addHeader?(name: string, value: string): unknown;
}

const HEADER_LOWER = TRACE_HEADER.toLowerCase();
const active = new Set<Registration>();
let uninstall: (() => void) | undefined;

export function enableOutboundPropagation(options: OutboundPropagationOptions = {}): () => void {
  const formats = options.propagation ?? DEFAULT_PROPAGATION;
  const registration: Registration = {
    allowlist: new HostAllowlist(options.propagateTo),
    teracron: formats.includes('teracron'),
    w3c: formats.includes('w3c'),
    spans: options.clientSpans !== false,
    sink: options.sink,
  };
  active.add(registration);
  uninstall ??= install();
  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    active.delete(registration);
    if (active.size === 0 && uninstall) {
      uninstall();
      uninstall = undefined;
    }
  };
}

/** A host gets a format when any app that enabled it allows the host. */
function decisionFor(host: string): HostDecision {
  let teracron = false;
  let w3c = false;
  for (const registration of active) {
    if ((registration.teracron && !teracron) || (registration.w3c && !w3c)) {
      if (!registration.allowlist.allows(host)) continue;
      teracron ||= registration.teracron;
      w3c ||= registration.w3c;
    }
  }
  return { teracron, w3c };
}

/** The app that recorded the trace decides; a trace of a client no app named follows any registration without one. */
function spansWanted(sink: TraceSink): boolean {
  let unnamed = false;
  for (const registration of active) {
    if (registration.sink === sink) return registration.spans;
    if (registration.sink === undefined) unnamed ||= registration.spans;
  }
  return unnamed;
}

/** The context the request's headers name: its own client span when it got one, else the caller's. */
function contextFor(request: object, method: string | undefined, host: string): TraceContext | undefined {
  const context = currentTraceContext();
  if (context === undefined || context.traceId === '') return undefined;
  if (!spansWanted(context.sink)) return context;
  return startRequestSpan(request, method ?? 'GET', host) ?? context;
}

function teracronHeaderOf(context: TraceContext): string {
  return context.contextSpanId === null ? context.traceId : `${context.traceId}:${context.contextSpanId}`;
}

/** Adds the headers `decision` allows for `context` through `set`, skipping any the caller set. */
function addHeaders(context: TraceContext, decision: HostDecision, has: (name: string) => boolean, set: (name: string, value: string) => void): void {
  if (decision.teracron && !has(HEADER_LOWER)) set(TRACE_HEADER, teracronHeaderOf(context));
  if (!decision.w3c || has(TRACEPARENT_HEADER)) return;
  const traceparent = traceparentFor(context);
  if (traceparent === undefined) return;
  set(TRACEPARENT_HEADER, traceparent);
  const tracestate = tracestateOf(context.traceId);
  if (tracestate !== undefined && !has(TRACESTATE_HEADER)) set(TRACESTATE_HEADER, tracestate);
}

function install(): () => void {
  const onUndiciRequest = (message: unknown) => {
    try {
      const request = (message as { request?: UndiciRequest & { method?: string } }).request;
      if (!request || typeof request.addHeader !== 'function') return;
      if (currentTraceContext() === undefined) return;
      const origin = String(request.origin ?? '');
      if (isOwnExportRequest(origin, request.path ?? '')) return;
      const host = hostOf(origin);
      const context = contextFor(request, request.method, host);
      if (context === undefined) return;
      addHeaders(context, decisionFor(host), (name) => hasHeader(request.headers, name), (name, value) => request.addHeader!(name, value));
    } catch {
      // Propagation is best effort; the user's request goes out regardless.
    }
  };
  diagnosticsChannel.subscribe('undici:request:create', onUndiciRequest);
  const restoreHttp = hasRequestCreatedChannel() ? subscribeRequestCreated() : wrapHttpModules();
  const stopListening = listenForRequestEnds();
  return () => {
    diagnosticsChannel.unsubscribe('undici:request:create', onUndiciRequest);
    restoreHttp();
    stopListening();
  };
}

function hasRequestCreatedChannel(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major >= 23 || (major === 22 && minor >= 12);
}

function subscribeRequestCreated(): () => void {
  const onCreated = (message: unknown) => addToClientRequest((message as { request?: http.ClientRequest }).request);
  diagnosticsChannel.subscribe('http.client.request.created', onCreated);
  return () => diagnosticsChannel.unsubscribe('http.client.request.created', onCreated);
}

function addToClientRequest(request: http.ClientRequest | undefined): void {
  try {
    if (!request || request.headersSent || currentTraceContext() === undefined) return;
    const host = String(request.getHeader('host') ?? request.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    const context = contextFor(request, request.method, host);
    if (context === undefined) return;
    addHeaders(context, decisionFor(host), (name) => request.hasHeader(name), (name, value) => request.setHeader(name, value));
  } catch {
    // best effort
  }
}

type RequestFunction = typeof http.request;
type GetFunction = typeof http.get;

function wrapHttpModules(): () => void {
  const restore: Array<() => void> = [];
  for (const mod of [http, https] as Array<{ request: RequestFunction; get: GetFunction }>) {
    const originalRequest = mod.request;
    const originalGet = mod.get;
    mod.request = function (this: unknown, ...args: unknown[]) {
      const request = Reflect.apply(originalRequest, this, args) as http.ClientRequest;
      addToClientRequest(request);
      return request;
    } as RequestFunction;
    // Node's own get() is request() + end(); going through the wrapped request lets GETs carry the header.
    mod.get = function (this: unknown, ...args: unknown[]) {
      const request = Reflect.apply(mod.request, this, args) as http.ClientRequest;
      request.end();
      return request;
    } as GetFunction;
    restore.push(() => {
      mod.request = originalRequest;
      mod.get = originalGet;
    });
  }
  syncBuiltinESMExports();
  return () => {
    for (const undo of restore) undo();
    syncBuiltinESMExports();
  };
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return '';
  }
}

/** `name` is lower case; undici's headers are a raw string, a flat [name, value, …] array or an object. */
function hasHeader(headers: UndiciRequest['headers'], name: string): boolean {
  if (headers === undefined) return false;
  if (typeof headers === 'string') return headers.toLowerCase().includes(`${name}:`);
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return true;
    return false;
  }
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}
