/**
 * @Trace hands back what the method returned: a native Promise settles as before (one tick later,
 * through a chained promise), an rxjs Observable is mirrored, and anything else is the very
 * same object, never inspected beyond its prototype. Exit behaviour runs in child processes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { Subject } from 'rxjs';
import { Trace } from '../../../lib/tracing/trace.decorator';
import { RecordingSink } from '../../support/recording-sink';
import { repoRoot } from '../../support/vectors';

/** The shape of got's cancelable promise: a Promise subclass with methods of its own. */
class CancelablePromise<T> extends Promise<T> {
  canceled = false;
  cancel(): void {
    this.canceled = true;
  }
  json(): string {
    return 'body';
  }
}

class Returns {
  @Trace('results')
  give(value: unknown): unknown {
    return value;
  }

  @Trace('results')
  *numbers(): Generator<number> {
    yield 1;
    yield 2;
  }

  @Trace('results')
  async *later(): AsyncGenerator<number> {
    yield 3;
  }

  @Trace('results')
  async settle(value: unknown, fail: boolean): Promise<unknown> {
    await Promise.resolve();
    if (fail) throw value;
    return value;
  }
}

/** Runs fn under a recording sink and returns its result with the spans recorded. */
async function traced<T>(fn: (service: Returns) => T): Promise<{ result: T; sink: RecordingSink }> {
  const sink = new RecordingSink();
  const result = await sink.activeDuring(() => ({ value: fn(new Returns()) }));
  return { result: result.value, sink };
}

describe('@Trace return values: the very same object', () => {
  it('a Proxy that throws on unknown properties comes back unread, and its span ends', async () => {
    const reads: PropertyKey[] = [];
    const strict = new Proxy(
      { id: 7 },
      {
        get(target, key) {
          reads.push(key);
          if (key in target) return (target as Record<PropertyKey, unknown>)[key];
          throw new TypeError(`unknown property ${String(key)}`);
        },
      },
    );
    const { result, sink } = await traced((service) => service.give(strict));
    assert.equal(result, strict);
    assert.deepEqual(reads, [], 'no property of the result was read');
    assert.equal(sink.spans[0]?.status, 'succeeded');
  });

  it('a Proxy whose prototype trap throws comes back as it is', async () => {
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('no prototype for you');
        },
      },
    );
    const { result, sink } = await traced((service) => service.give(hostile));
    assert.equal(result, hostile);
    assert.equal(sink.spans.length, 1);
  });

  it('an object with subscribe and pipe is not taken for an Observable', async () => {
    let subscribed = 0;
    const lookalike = {
      subscribe: () => {
        subscribed++;
        return { unsubscribe() {} };
      },
      pipe: () => lookalike,
    };
    const { result, sink } = await traced((service) => service.give(lookalike));
    assert.equal(result, lookalike);
    assert.equal(subscribed, 0);
    assert.equal(sink.spans[0]?.status, 'succeeded');
  });

  it('a Subject keeps its identity, so the caller can still call next()', async () => {
    const subject = new Subject<number>();
    const { result } = await traced((service) => service.give(subject));
    assert.equal(result, subject);
    const seen: number[] = [];
    subject.subscribe((v) => seen.push(v));
    (result as Subject<number>).next(4);
    assert.deepEqual(seen, [4]);
  });

  it('a cancelable Promise subclass keeps cancel() and json(); its span ends at return', async () => {
    const request = new CancelablePromise<string>((resolve) => setImmediate(() => resolve('done')));
    const { result, sink } = await traced((service) => service.give(request));
    assert.equal(result, request);
    assert.ok(result instanceof CancelablePromise);
    (result as CancelablePromise<string>).cancel();
    assert.equal(request.canceled, true);
    assert.equal((result as CancelablePromise<string>).json(), 'body');
    assert.equal(sink.spans[0]?.status, 'succeeded');
    assert.equal(await request, 'done');
  });

  it('a thenable comes back without its then() being called', async () => {
    let thenCalls = 0;
    const query = {
      then(resolve: (value: number) => void) {
        thenCalls++;
        resolve(5);
      },
    };
    const { result, sink } = await traced((service) => service.give(query));
    assert.equal(result, query);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(thenCalls, 0, 'then() would run the query: we never call it');
    assert.equal(sink.spans[0]?.status, 'succeeded');
  });

  it('a generator and an async generator come back as they are, their spans ending at return', async () => {
    const { result: numbers, sink } = await traced((service) => service.numbers());
    assert.equal(sink.spans.length, 1, 'ended when the method returned, before any value was pulled');
    assert.deepEqual([...numbers], [1, 2]);
    const { result: later, sink: laterSink } = await traced((service) => service.later());
    assert.equal(laterSink.spans.length, 1);
    const values: number[] = [];
    for await (const value of later) values.push(value);
    assert.deepEqual(values, [3]);
  });
});

describe('@Trace return values: native promises', () => {
  it('resolve with the very same value and reject with the very same error', async () => {
    const value = { order: 1 };
    const error = new RangeError('declined');
    const sink = new RecordingSink();
    await sink.activeDuring(async () => {
      const service = new Returns();
      const resolved = service.settle(value, false);
      assert.ok(resolved instanceof Promise && Object.getPrototypeOf(resolved) === Promise.prototype);
      assert.equal(await resolved, value);
      await assert.rejects(service.settle(error, true), (thrown: unknown) => thrown === error);
    });
    assert.deepEqual(
      sink.spans.map((s) => [s.status, s.error_type]),
      [
        ['succeeded', null],
        ['failed', 'RangeError'],
      ],
    );
  });

  const FIXTURE = path.join(repoRoot(), 'dist', 'test', 'fixtures', 'unhandled-rejection.js');
  async function runFixture(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [FIXTURE, ...args], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, stdout, stderr };
  }

  it('an unhandled rejection of a traced method is still reported as one: Node ends the process as for the plain method', async () => {
    const [plain, tracedRun] = await Promise.all([runFixture('plain'), runFixture('traced')]);
    assert.notEqual(plain.code, 0);
    assert.equal(tracedRun.code, plain.code);
    assert.match(tracedRun.stderr, /card declined by the test/);
  });

  it('the unhandledRejection listener receives the very error the method threw, after the span recorded it', async () => {
    const { code, stdout } = await runFixture('traced', 'listen');
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), { sameReason: true, spans: ['failed'] });
  });
});
