/**
 * The per-call half of @Trace: the wrapper that replaces a method, and the span of each call,
 * opened before the method runs (decide, start, capture, enter the context) and settled after it
 * returned or threw (put the caller's context back, end the span). Nothing here throws into the
 * caller but the method's own error, re-thrown as the very same value.
 *
 * The stack: while the method runs, a traced level holds the wrapper's frame and the method's
 * only (the span work runs in calls that return before and after it), and the wrapper's frame is
 * as small as an interpreted frame gets: the arguments it was given and two registers (the saved
 * context of its `try` and the callee). Nothing is held in it across the call: the span waits on
 * `openSpans`, and what the method returned or threw reaches settleMethodSpan() through
 * `outcome`, which the wrapper writes without a register. With the span kept in the frame, or
 * `arguments` taken for a method of one parameter, each costs 8 bytes a level, which is what
 * puts a traced one-line recursion under half the plain depth (see recursion-depth.test.ts).
 * The module variables are `var`: a closure's store into a module `let` costs a register for its
 * initialisation check.
 */
import { newestRunningClient } from '../core/client-registry';
import { currentTraceContext, enterTraceContext, restoreTraceContext, type TraceContext } from './context';
import { NOOP_SPAN, type RecordingSpan, type SpanHandle } from './span';
import { endWithResult } from './traced-result';
import { startMethodSpan } from './trace-start';

export interface CaptureSlot {
  index: number;
  name: string;
  rest: boolean;
}

/** What a traced method knows at decoration time. */
export interface TracedSite {
  readonly workflow: string;
  readonly operation: string;
  readonly capture: readonly CaptureSlot[] | null;
  /**
   * 0 or 1: the method can see no argument beyond its 0 or 1 declared parameters (see
   * forwardedArity in trace.decorator.ts), so the wrapper forwards that many and takes no
   * `arguments`. null: every argument is forwarded.
   */
  readonly arity: 0 | 1 | null;
}

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

const { apply, bind, call } = Function.prototype;

/**
 * The wrapper for `original`: the same `this`, arguments, return value and thrown value. Three
 * copies of one body on purpose, by how many arguments are forwarded: a shared helper would be
 * one more frame per traced call, and the frame is what traced recursion depth pays
 * (test/unit/tracing/recursion-depth.test.ts).
 */
export function tracedMethod(original: AnyMethod, site: TracedSite): AnyMethod {
  if (site.arity === 0) {
    const callOriginal = bind.call(call, original) as (self: unknown) => unknown;
    return function traced(this: unknown): unknown {
      if (!isTracing() || !openMethodSpan(site, undefined)) return original.call(this);
      try {
        outcome = callOriginal(this);
        outcomeThrew = false;
      } catch (error) {
        outcome = error;
        outcomeThrew = true;
      }
      finishedCalls++;
      return settleMethodSpan();
    };
  }
  if (site.arity === 1) {
    const callOriginal = bind.call(call, original) as (self: unknown, first: unknown) => unknown;
    return function traced(this: unknown, first: unknown): unknown {
      if (!isTracing() || !openMethodSpan(site, first)) return original.call(this, first);
      try {
        outcome = callOriginal(this, first);
        outcomeThrew = false;
      } catch (error) {
        outcome = error;
        outcomeThrew = true;
      }
      finishedCalls++;
      return settleMethodSpan();
    };
  }
  const applyOriginal = bind.call(apply, original) as (self: unknown, args: IArguments) => unknown;
  return function traced(this: unknown): unknown {
    if (!isTracing() || !openMethodSpan(site, arguments)) return original.apply(this, arguments as unknown as unknown[]);
    try {
      outcome = applyOriginal(this, arguments);
      outcomeThrew = false;
    } catch (error) {
      outcome = error;
      outcomeThrew = true;
    }
    finishedCalls++;
    return settleMethodSpan();
  };
}

/**
 * The context isTracing() read, for the openMethodSpan() call that follows it at once (no other
 * code runs in between): each read of the context costs an async-resource lookup.
 */
let checkedContext: TraceContext | undefined;

/**
 * The spans of the traced calls that are running, innermost last, as many as traced levels are
 * on the stack: a call's span is pushed when it opens and popped when it settles, and a call
 * settles before its caller does. Entries are cleared when popped (no span is kept alive).
 */
const openSpans: Array<SpanHandle | undefined> = [];
var openCount = 0;
/**
 * What the method that just returned or threw gave, from the wrapper to settleMethodSpan(). Both
 * written by the wrapper after every call (a call that could not settle leaves its own behind).
 */
var outcome: unknown;
var outcomeThrew = false;
/**
 * Calls that finished and have not settled: 1 inside settleMethodSpan(), 0 anywhere else, unless
 * a wrapper had no stack left for the call to settleMethodSpan() itself. Its span is then still
 * on top of `openSpans`, and the next settle or open ends it first, so no later call pops a span
 * that is not its own.
 */
var finishedCalls = 0;

/**
 * The hot path of every traced call, small enough to be inlined: false with no client running
 * or inside an unsampled trace, where the wrapper only calls the method.
 */
export function isTracing(): boolean {
  const context = currentTraceContext();
  if (context !== undefined) {
    if (!context.sampled) return false;
    checkedContext = context;
    return true;
  }
  checkedContext = undefined;
  const client = newestRunningClient();
  return client !== undefined && client.tracing.enabled;
}

/**
 * Opens and enters the call's span; false when nothing is recorded (call the method as it is).
 * Called right after isTracing() said yes. `args`: the call's `arguments`, or for a wrapper of
 * arity 1 its one argument. Starting a span and capturing never throw; entering the context
 * throws only when the stack is exhausted, as calling the method would, and then nothing is open.
 */
function openMethodSpan(site: TracedSite, args: unknown): boolean {
  let context = checkedContext;
  checkedContext = undefined;
  if (finishedCalls !== 0) {
    context = contextPastUnsettled();
    if (context !== undefined && !context.sampled) return false;
  }
  const span = startMethodSpan(site.workflow, site.operation, context);
  if (span === NOOP_SPAN) return false;
  if (span.sampled) {
    (span as RecordingSpan).outerContext = context;
    if (site.capture !== null) captureArguments(span, site.capture, site.arity === 1 ? [args] : (args as IArguments));
  }
  enterTraceContext(span);
  openSpans[openCount] = span;
  openCount++;
  return true;
}

/**
 * Ends the span of the call that just finished with its outcome, and returns what the caller
 * gets: the method's result itself, or for a native Promise or an Observable its traced mirror;
 * or throws the method's error, the very same value. The bookkeeping is done before any call:
 * a call can find no stack left, and a span left on `openSpans` unaccounted for would be popped
 * by a caller as its own.
 */
function settleMethodSpan(): unknown {
  const result = outcome;
  outcome = undefined;
  let span: SpanHandle | undefined;
  if (finishedCalls === 1 && openCount > 0) {
    finishedCalls = 0;
    span = openSpans[--openCount];
    openSpans[openCount] = undefined;
  } else {
    span = ownSpanPastUnsettled();
  }
  if (outcomeThrew) return failAndRethrow(result, span);
  return span === undefined ? result : closeMethodSpan(result, span);
}

function failAndRethrow(error: unknown, span: SpanHandle | undefined): never {
  if (span !== undefined) failMethodSpan(error, span);
  throw error;
}

/**
 * The finishing call's span when calls above it could not settle: it is under their spans, which
 * move down one, still open and counted, and are then ended. (Out of settleMethodSpan() to keep
 * that small enough to be inlined; if this call finds no stack, nothing has changed yet.)
 */
function ownSpanPastUnsettled(): SpanHandle | undefined {
  const top = openCount;
  const own = top - finishedCalls;
  if (own < 0) {
    openCount = 0;
    finishedCalls = 0;
    return undefined;
  }
  const span = openSpans[own];
  for (let i = own; i < top - 1; i++) openSpans[i] = openSpans[i + 1];
  openSpans[top - 1] = undefined;
  openCount = top - 1;
  finishedCalls = top - 1 - own;
  try {
    endUnsettled();
  } catch {
    // No stack left for it: the next settle or open ends the rest.
  }
  return span;
}

/** Calls that could not settle left their spans open and entered: ends them, and reads the context again (their caller's). */
function contextPastUnsettled(): TraceContext | undefined {
  endUnsettled();
  return currentTraceContext();
}

/** What an unsettled span is failed with: its call ran out of stack. */
const STACK_EXHAUSTED = new RangeError('Maximum call stack size exceeded');

/**
 * Ends the spans of the calls that could not settle (the top `finishedCalls` of `openSpans`),
 * innermost first, each putting its caller's context back. Each leaves the count before its
 * span is ended, so one that finds no stack left is lost alone.
 */
function endUnsettled(): void {
  while (finishedCalls > 0 && openCount > 0) {
    const span = openSpans[--openCount];
    openSpans[openCount] = undefined;
    finishedCalls--;
    if (span !== undefined) failMethodSpan(STACK_EXHAUSTED, span);
  }
  finishedCalls = 0;
}

function closeMethodSpan(result: unknown, span: SpanHandle): unknown {
  try {
    restoreTraceContext(outerContextOf(span));
    return span.sampled || span.watched ? endWithResult(span, result) : result;
  } catch {
    return result;
  }
}

function failMethodSpan(error: unknown, span: SpanHandle): void {
  try {
    restoreTraceContext(outerContextOf(span));
    span.fail(error);
  } catch {
    // The caller gets its error whatever happens here.
  }
}

/**
 * The context to put back, taken from the span (which then lets go of it: a span still held by
 * work it scheduled must not keep its ancestors alive). Only a new root is entered unsampled
 * (inside an unsampled trace the call passes through), so its outer context is none.
 */
function outerContextOf(span: SpanHandle): TraceContext | undefined {
  if (!span.sampled) return undefined;
  const outer = (span as RecordingSpan).outerContext;
  (span as RecordingSpan).outerContext = undefined;
  return outer;
}

function captureArguments(span: SpanHandle, capture: readonly CaptureSlot[], args: ArrayLike<unknown>): void {
  try {
    const values: Record<string, unknown> = {};
    for (const slot of capture) {
      const value = slot.rest ? Array.prototype.slice.call(args, slot.index) : args[slot.index];
      if (value !== undefined) values[slot.name] = value;
    }
    span.setCaptured(values);
  } catch {
    // A throwing argument (a Proxy, a getter) is left out rather than failing the call.
  }
}
