/**
 * Where spans come from: which client records them, which trace they join, and the sampling
 * decision, made once per trace before any of its spans is built (at its root, or on arrival for a
 * continued trace) and inherited.
 */
import { newestRunningClient } from '../core/client-registry';
import type { SampleWindow } from '../core/sampling/sample-window';
import type { RootSampler, TraceSink } from '../core/trace-sink';
import { currentTraceContext, type TraceContext } from './context';
import { newSpanId, newTraceId } from './ids';
import { parseTraceHeader } from './trace-header';
import { WatchedRootSpan } from './local-root-span';
import { shouldSample } from './sampling';
import { NOOP_SPAN, RecordingSpan, UnsampledSpan, type SpanHandle } from './span';
import { SpanGroup } from './span-group';

export interface StartSpanOptions {
  /** What ran; default the workflow name. */
  operation?: string;
  /** An inbound X-Teracron-Trace: continue that trace (ignored when malformed). */
  traceHeader?: string | null;
  /** Ignore the current context: start a new trace (or continue `traceHeader`). */
  root?: boolean;
  /** The client that records the span; default the current context's, else the newest running one. */
  sink?: TraceSink;
  metadata?: Record<string, unknown>;
}

/** A context that names a trace (and maybe a remote parent) with no span of ours open. */
export class TraceOnlyContext implements TraceContext {
  readonly span = null;
  constructor(
    readonly sink: TraceSink,
    readonly traceId: string,
    readonly contextSpanId: string | null,
    readonly sampled: boolean,
  ) {}
}

export function isSampled(sink: TraceSink, traceId: string): boolean {
  const rate = sink.tracing.sampleRate;
  return rate >= 1 || shouldSample(traceId, rate);
}

/**
 * A local trace's decision at the client's effective rate (its sampler), counted there; without a
 * sampler, at the configured rate. Thresholds nest (PROTOCOL.md §8), so a trace kept at a lowered
 * rate is kept at every higher one. The kept trace's sample window, or null when not kept.
 */
function admitted(sampler: RootSampler, traceId: string, newTrace: boolean): SampleWindow | null {
  const rate = sampler.effectiveRate;
  return sampler.admit(rate >= 1 || shouldSample(traceId, rate), newTrace);
}

/** A trace continued with no span of ours open yet (a message arriving, runWithTraceHeader): decided here, its spans children of the remote parent. */
export function continueTrace(sink: TraceSink, traceId: string, parentSpanId: string | null): TraceContext {
  const sampler = sink.sampler;
  const sampled = sampler === undefined ? isSampled(sink, traceId) : admitted(sampler, traceId, false) !== null;
  return new TraceOnlyContext(sink, traceId, parentSpanId, sampled);
}

/**
 * The first span of a trace in this process (a new root, or one continuing a remote parent):
 * kept (recorded, with its sample_rate), watched for failure (nothing built), or unsampled.
 */
function localRoot(sink: TraceSink, traceId: string, parentSpanId: string | null, workflow: string, operation: string, isRoot: boolean): SpanHandle {
  const sampler = sink.sampler;
  if (sampler === undefined) {
    return isSampled(sink, traceId) ? grouped(new RecordingSpan(sink, traceId, newSpanId(), parentSpanId, workflow, operation, isRoot)) : new UnsampledSpan(sink, traceId, parentSpanId, isRoot);
  }
  const window = admitted(sampler, traceId, parentSpanId === null);
  if (window !== null) {
    const root = new RecordingSpan(sink, traceId, newSpanId(), parentSpanId, workflow, operation, isRoot);
    root.sampleWindow = window;
    return grouped(root);
  }
  return sampler.keepsFailures ? new WatchedRootSpan(sink, traceId, parentSpanId, workflow, operation, isRoot) : new UnsampledSpan(sink, traceId, parentSpanId, isRoot);
}

/** A local root: the group its trace's spans wait in until it ends, when its client holds spans. */
function grouped(root: RecordingSpan): RecordingSpan {
  const groups = root.sink.spanGroups;
  if (groups !== undefined) root.group = new SpanGroup(groups, root);
  return root;
}

export function isRecordingSink(sink: TraceSink | undefined): sink is TraceSink {
  return sink !== undefined && sink.running && sink.tracing.enabled;
}

/** A span of `sink` under `context` (same client) or, without one, a new root with its own sampling decision. */
function spanIn(sink: TraceSink, context: TraceContext | undefined, workflow: string, operation: string): SpanHandle {
  if (context !== undefined && context.traceId !== '') {
    if (!context.sampled) {
      const current = context.span;
      if (current === null) return new UnsampledSpan(sink, context.traceId, context.contextSpanId, false);
      // Under a watched root a child gets the root's stand-in: ending the child must not end the root.
      return current.watched ? (current as WatchedRootSpan).childStandIn() : current;
    }
    const span = new RecordingSpan(sink, context.traceId, newSpanId(), context.contextSpanId, workflow, operation, false);
    // Under a continued trace's context (no span of ours open) it is a local root; else it joins its parent's group.
    const parent = context.span;
    if (parent === null) return grouped(span);
    span.group = (parent as RecordingSpan).group;
    return span;
  }
  return localRoot(sink, newTraceId(), null, workflow, operation, true);
}

/**
 * The @Trace hot path: a span under the given context (the caller already read it), or a new
 * root in the newest running client. No options object, no header parsing.
 */
export function startMethodSpan(workflow: string, operation: string, context: TraceContext | undefined): SpanHandle {
  try {
    const sink = context?.sink ?? newestRunningClient();
    return isRecordingSink(sink) ? spanIn(sink, context, workflow, operation) : NOOP_SPAN;
  } catch {
    return NOOP_SPAN;
  }
}

/** The workflow of `span('')`, `startSpan('   ')` or a non-string: the server drops a span without one. */
export const FALLBACK_WORKFLOW = 'unnamed';

function workflowName(workflow: unknown): string {
  return typeof workflow === 'string' && workflow.trim() !== '' ? workflow : FALLBACK_WORKFLOW;
}

export function startSpan(requestedWorkflow: string, options: StartSpanOptions = {}): SpanHandle {
  try {
    const workflow = workflowName(requestedWorkflow);
    const context = options.root ? undefined : currentTraceContext();
    const sink = options.sink ?? context?.sink ?? newestRunningClient();
    if (!isRecordingSink(sink)) return NOOP_SPAN;
    const operation = typeof options.operation === 'string' && options.operation.trim() !== '' ? options.operation : workflow;
    const inbound = options.traceHeader ? parseTraceHeader(options.traceHeader) : null;
    let span: SpanHandle;
    if (inbound !== null) {
      span = localRoot(sink, inbound.traceId, inbound.parentSpanId, workflow, operation, false);
    } else {
      // A context of another app's client does not parent this client's span.
      span = spanIn(sink, context?.sink === sink ? context : undefined, workflow, operation);
    }
    if (options.metadata !== undefined) span.setMetadata(options.metadata);
    return span;
  } catch {
    return NOOP_SPAN;
  }
}
