import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  claimClasses,
  isOwnExportRequest,
  newestRunningClient,
  ownerOfCall,
  registerRunningClient,
  releaseExportOrigin,
  unregisterRunningClient,
} from '../../../lib/core/client-registry';
import type { TraceSink } from '../../../lib/core/trace-sink';

function sink(): TraceSink {
  return {
    running: true,
    tracing: { enabled: true, sampleRate: 1, emitEvents: false, scrubber: undefined },
    dropSpanIfFull: () => false,
    enqueueSpan() {},
    enqueueEvent() {},
    countScrubberFailure() {},
  };
}

describe('the client registry', () => {
  class Jobs {}
  class Other {}

  it('gives work outside any context to the newest running client, and to none once all stopped', () => {
    const a = sink();
    const b = sink();
    registerRunningClient(a);
    registerRunningClient(b);
    assert.equal(newestRunningClient(), b);
    unregisterRunningClient(b);
    assert.equal(newestRunningClient(), a);
    unregisterRunningClient(a);
    assert.equal(newestRunningClient(), undefined);
  });

  it('finds the newest running client that claimed an instance class, with its workflow', () => {
    const a = sink();
    const b = sink();
    registerRunningClient(a);
    claimClasses(a, 'schedule', [Jobs.prototype], 'nightly');
    assert.deepEqual(ownerOfCall('schedule', new Jobs()), { sink: a, workflow: 'nightly' });
    assert.equal(ownerOfCall('event-listener', new Jobs()), undefined, 'a claim is per kind of wrapper');
    assert.equal(ownerOfCall('schedule', new Other()), undefined);
    assert.equal(ownerOfCall('schedule', undefined), undefined);
    assert.equal(ownerOfCall('schedule', 42), undefined);

    registerRunningClient(b);
    claimClasses(b, 'schedule', [Jobs.prototype], 'schedule');
    assert.equal(ownerOfCall('schedule', new Jobs())?.sink, b);
    unregisterRunningClient(b);
    assert.equal(ownerOfCall('schedule', new Jobs())?.sink, a, 'a stopped client releases its claims');
    unregisterRunningClient(a);
    assert.equal(ownerOfCall('schedule', new Jobs()), undefined);
  });

  it('lets a client that does not run claim nothing', () => {
    const idle = sink();
    claimClasses(idle, 'schedule', [Jobs.prototype], 'schedule');
    assert.equal(ownerOfCall('schedule', new Jobs()), undefined);
  });

  it('recognises our export requests until the client that sends them has released its origin', () => {
    const a = sink();
    registerRunningClient(a, 'http://127.0.0.1:7415');
    assert.equal(isOwnExportRequest('http://127.0.0.1:7415', '/api/v1/traces'), true);
    assert.equal(isOwnExportRequest('http://127.0.0.1:7415/', '/api/v1/traces?x=1'), true);
    assert.equal(isOwnExportRequest('http://127.0.0.1:7415', '/orders'), false, 'another path of the same host is the app’s');
    assert.equal(isOwnExportRequest('http://127.0.0.1:9999', '/api/v1/traces'), false);
    unregisterRunningClient(a);
    assert.equal(isOwnExportRequest('http://127.0.0.1:7415', '/api/v1/traces'), true, 'the final flush is still ours');
    releaseExportOrigin('http://127.0.0.1:7415');
    assert.equal(isOwnExportRequest('http://127.0.0.1:7415', '/api/v1/traces'), false);
  });
});
