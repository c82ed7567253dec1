/**
 * Outbound X-Teracron-Trace: requests made inside a trace carry its header to the hosts that
 * `propagateTo` allows. fetch and undici announce each request on the `undici:request:create`
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
import { getTraceHeader, TRACE_HEADER } from '../tracing/propagation';
import { HostAllowlist } from './host-allowlist';

export interface OutboundPropagationOptions {
  /** Hosts that may receive the header; undefined = all. */
  propagateTo?: Array<string | RegExp>;
}

interface UndiciRequest {
  origin?: string | URL;
  path?: string;
  headers?: string | string[] | Record<string, unknown>;
  addHeader?(name: string, value: string): unknown;
}

const HEADER_LOWER = TRACE_HEADER.toLowerCase();
const active = new Set<HostAllowlist>();
let uninstall: (() => void) | undefined;

export function enableOutboundPropagation(options: OutboundPropagationOptions = {}): () => void {
  const allowlist = new HostAllowlist(options.propagateTo);
  active.add(allowlist);
  uninstall ??= install();
  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    active.delete(allowlist);
    if (active.size === 0 && uninstall) {
      uninstall();
      uninstall = undefined;
    }
  };
}

/** A host may get the header when any app that enabled propagation allows it. */
function allowed(host: string): boolean {
  for (const allowlist of active) if (allowlist.allows(host)) return true;
  return false;
}

function install(): () => void {
  const onUndiciRequest = (message: unknown) => {
    try {
      const request = (message as { request?: UndiciRequest }).request;
      if (!request || typeof request.addHeader !== 'function') return;
      const header = getTraceHeader();
      if (header === undefined) return;
      const origin = String(request.origin ?? '');
      if (isOwnExportRequest(origin, request.path ?? '')) return;
      if (!allowed(hostOf(origin)) || hasTraceHeader(request.headers)) return;
      request.addHeader(TRACE_HEADER, header);
    } catch {
      // Propagation is best effort; the user's request goes out regardless.
    }
  };
  diagnosticsChannel.subscribe('undici:request:create', onUndiciRequest);
  const restoreHttp = hasRequestCreatedChannel() ? subscribeRequestCreated() : wrapHttpModules();
  return () => {
    diagnosticsChannel.unsubscribe('undici:request:create', onUndiciRequest);
    restoreHttp();
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
    if (!request || request.headersSent || request.hasHeader(HEADER_LOWER)) return;
    const header = getTraceHeader();
    if (header === undefined) return;
    const host = String(request.getHeader('host') ?? request.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    if (allowed(host)) request.setHeader(TRACE_HEADER, header);
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

function hasTraceHeader(headers: UndiciRequest['headers']): boolean {
  if (headers === undefined) return false;
  if (typeof headers === 'string') return headers.toLowerCase().includes(`${HEADER_LOWER}:`);
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) if (String(headers[i]).toLowerCase() === HEADER_LOWER) return true;
    return false;
  }
  return Object.keys(headers).some((key) => key.toLowerCase() === HEADER_LOWER);
}
