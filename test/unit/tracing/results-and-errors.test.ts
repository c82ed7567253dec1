import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Observable, interval, of, take, throwError, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { Trace } from '../../../lib/tracing/trace.decorator';
import { RecordingSink } from '../../support/recording-sink';

class Stream {
  @Trace('feed')
  syncValues(): Observable<number> {
    return of(1, 2, 3);
  }

  @Trace('feed')
  ticks(count: number): Observable<number> {
    return interval(5).pipe(take(count));
  }

  @Trace('feed')
  broken(): Observable<number> {
    return throwError(() => new RangeError('feed broke'));
  }

  @Trace('feed')
  endless(): Observable<number> {
    return interval(5);
  }

  @Trace('feed')
  nested(): Observable<number> {
    return new Observable<number>((subscriber) => {
      // Work done on subscription belongs to this span.
      void this.child().then((value) => {
        subscriber.next(value);
        subscriber.complete();
      });
    });
  }

  @Trace('feed')
  async child(): Promise<number> {
    return 7;
  }
}

class Faulty {
  @Trace('payment')
  syncThrow(value: unknown): never {
    throw value;
  }

  @Trace('payment')
  async asyncThrow(value: unknown): Promise<never> {
    await Promise.resolve();
    throw value;
  }
}

describe('@Trace results: Observables', () => {
  it('synchronous emissions complete the span with its values', async () => {
    const sink = new RecordingSink();
    assert.deepEqual(await sink.activeDuring(() => lastValueFrom(new Stream().syncValues().pipe(toArray()))), [1, 2, 3]);
    const [s] = sink.spans;
    assert.equal(s!.status, 'succeeded');
    assert.equal(s!.metadata?.['rx.outcome'], 'complete');
  });

  it('timer-based emissions: the duration covers the subscription', async () => {
    const sink = new RecordingSink();
    const values = await sink.activeDuring(() => lastValueFrom(new Stream().ticks(4).pipe(toArray())));
    assert.deepEqual(values, [0, 1, 2, 3]);
    const [s] = sink.spans;
    assert.equal(s!.status, 'succeeded');
    assert.ok(s!.duration_ms >= 15, `duration ${s!.duration_ms}`);
  });

  it('an error fails the span with the error fields and reaches the subscriber unchanged', async () => {
    const sink = new RecordingSink();
    const error = await sink.activeDuring(() => firstValueFrom(new Stream().broken()).catch((e: unknown) => e));
    assert.ok(error instanceof RangeError);
    const [s] = sink.spans;
    assert.equal(s!.status, 'failed');
    assert.equal(s!.error_type, 'RangeError');
    assert.equal(s!.error_message, 'feed broke');
    assert.equal(s!.metadata?.['rx.outcome'], 'error');
  });

  it('unsubscribing ends the span and records it', async () => {
    const sink = new RecordingSink();
    await sink.activeDuring(async () => {
      // Unsubscribed after the second value, however slow the machine: no wall-clock window.
      let secondValue!: () => void;
      const twoValues = new Promise<void>((resolve) => (secondValue = resolve));
      const subscription = new Stream().endless().subscribe((v) => v === 1 && secondValue());
      await twoValues;
      assert.equal(sink.spans.length, 0, 'still open while subscribed');
      subscription.unsubscribe();
    });
    const [s] = sink.spans;
    assert.equal(s!.status, 'succeeded');
    assert.equal(s!.metadata?.['rx.outcome'], 'unsubscribe');
    // Two ticks of a 5 ms interval passed before the unsubscribe.
    assert.ok(s!.duration_ms >= 5, `duration ${s!.duration_ms}`);
  });

  it('work done on subscription is a child of the span that produced the Observable', async () => {
    const sink = new RecordingSink();
    assert.equal(await sink.activeDuring(() => firstValueFrom(new Stream().nested())), 7);
    const [parent] = sink.byOperation('Stream.nested');
    const [child] = sink.byOperation('Stream.child');
    assert.equal(child!.parent_span_id, parent!.span_id);
  });
});

describe('@Trace and exceptions', () => {
  const thrown: Array<[string, unknown, string]> = [
    ['an Error subclass', new TypeError('bad input'), 'TypeError'],
    ['a string', 'plain string', 'string'],
    ['a number', 42, 'number'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a plain object', { code: 'E1' }, 'Object'],
  ];
  for (const [label, value, type] of thrown) {
    it(`re-throws ${label} with its identity, sync and async, and records ${type}`, async () => {
      const sink = new RecordingSink();
      const faulty = new Faulty();
      await sink.activeDuring(async () => {
        let caught: unknown = Symbol('not thrown');
        try {
          faulty.syncThrow(value);
        } catch (error) {
          caught = error;
        }
        assert.equal(caught, value);
        await assert.rejects(faulty.asyncThrow(value), (error: unknown) => error === value);
      });
      assert.equal(sink.spans.length, 2);
      for (const s of sink.spans) {
        assert.equal(s.status, 'failed');
        assert.equal(s.error_type, type);
      }
    });
  }

  it('with no client running, @Trace calls the method directly', () => {
    const faulty = new Faulty();
    const value = new Error('x');
    assert.throws(() => faulty.syncThrow(value), (e: unknown) => e === value);
  });
});
