import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeCause, ExportHealth, OUTAGE_AFTER_FAILURES } from '../../../lib/core/export/export-health';
import { startTestIngest } from '../../support/start-ingest';
import { refusedLoopback, refusingLoopback } from '../../support/closed-loopback';
import { testApiKey } from '../../support/test-keys';
import { clientFor, quietLogger, span, until } from './client-harness';

const failing = (lines: string[]) => lines.filter((line) => line.startsWith('warn exports to ') && line.includes('have been failing'));
const recovered = (lines: string[]) => lines.filter((line) => line.startsWith('warn exports to ') && line.includes('work again'));

describe('exports failing and recovering are said once each, without debug', () => {
  it(`ExportHealth: no line before ${OUTAGE_AFTER_FAILURES} failures in a row, one at the ${OUTAGE_AFTER_FAILURES}th, one on recovery`, () => {
    const lines: string[] = [];
    let now = 1_000_000;
    const health = new ExportHealth('ingest.teracron.com', quietLogger(lines), () => now);
    for (let i = 1; i < OUTAGE_AFTER_FAILURES; i++) {
      health.failed('ECONNREFUSED');
      now += 1_000;
    }
    assert.deepEqual(lines, []);
    health.failed('ECONNREFUSED');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^warn exports to ingest\.teracron\.com have been failing for 4 s \(connection refused/);
    for (let i = 0; i < 20; i++) health.failed('ECONNREFUSED');
    now += 6_000;
    health.succeeded();
    health.succeeded();
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /^warn exports to ingest\.teracron\.com work again after 10 s and 25 failed request\(s\)$/);
    // A blip shorter than the threshold says nothing.
    health.failed('ECONNRESET');
    health.succeeded();
    assert.equal(lines.length, 2);
  });

  it('names the cause: DNS, TLS, timeouts, refused, HTTP', () => {
    assert.match(describeCause('ENOTFOUND'), /^DNS lookup failed \(ENOTFOUND\): check the domain \(option domain \/ env TERACRON_DOMAIN\)$/);
    assert.match(describeCause('EAI_AGAIN'), /^DNS lookup failed/);
    assert.equal(describeCause('DEPTH_ZERO_SELF_SIGNED_CERT'), 'TLS failed (DEPTH_ZERO_SELF_SIGNED_CERT)');
    assert.equal(describeCause('ERR_TLS_CERT_ALTNAME_INVALID'), 'TLS failed (ERR_TLS_CERT_ALTNAME_INVALID)');
    assert.equal(describeCause('ERR_SSL_WRONG_VERSION_NUMBER'), 'TLS failed (ERR_SSL_WRONG_VERSION_NUMBER)');
    assert.match(describeCause('UND_ERR_CONNECT_TIMEOUT'), /unreachable/);
    assert.match(describeCause('timeout'), /timed out \(option timeoutSeconds/);
    assert.match(describeCause('ECONNREFUSED'), /^connection refused/);
    assert.equal(describeCause('HTTP 503'), 'the ingest answers HTTP 503');
  });

  it('an ingest that drops connections: exactly one warning per outage, one line per recovery, nothing secret', async () => {
    const ingest = await startTestIngest();
    const lines: string[] = [];
    const client = clientFor(ingest.domain, { logger: quietLogger(lines) });
    try {
      client.start();
      for (let outage = 1; outage <= 2; outage++) {
        ingest.injectFaults({ dropConnection: true, count: Infinity, route: 'traces' });
        const before = client.stats().spans.requests;
        client.enqueueSpan(span({ metadata: { card: 'card-4242-4242' } }));
        await client.flush();
        await until(() => client.stats().spans.requests >= before + OUTAGE_AFTER_FAILURES + 4);
        assert.equal(failing(lines).length, outage, lines.join('\n'));
        assert.equal(recovered(lines).length, outage - 1);
        ingest.clearFaults();
        await until(() => client.stats().spans.sent === outage);
        assert.equal(recovered(lines).length, outage);
      }
      assert.match(failing(lines)[0]!, new RegExp(`exports to ${ingest.domain.replace(/\./g, '\\.')} have been failing for \\d+ s \\(the connection was dropped`));
      assert.ok(lines.every((line) => !line.includes('card-4242') && !line.includes(testApiKey()) && !line.startsWith('debug')));
    } finally {
      await client.stop(1000);
      await ingest.close();
    }
  });

  it('an address where nothing listens: the warning says connection refused and names the domain', async () => {
    const refused = await refusedLoopback();
    const domain = refused.domain;
    const lines: string[] = [];
    const client = clientFor(domain, { logger: quietLogger(lines) });
    try {
      client.start();
      client.enqueueSpan(span());
      await client.flush();
      await until(() => failing(lines).length === 1);
      assert.match(failing(lines)[0]!, new RegExp(`^warn exports to ${domain.replace(/[.[\]]/g, '\\$&')} have been failing for \\d+ s \\(connection refused: is the ingest running at this address\\?\\)`));
    } finally {
      await client.stop(200);
      await refused.close();
    }
  });

  it('429s are pacing, not an outage: no warning', async () => {
    const ingest = await startTestIngest();
    ingest.injectFaults({ status: 429, retryAfter: 0, count: Infinity });
    const lines: string[] = [];
    const client = clientFor(ingest.domain, { logger: quietLogger(lines) });
    try {
      client.start();
      client.enqueueSpan(span());
      await client.flush();
      await until(() => client.stats().spans.requests >= OUTAGE_AFTER_FAILURES + 3);
      assert.deepEqual(failing(lines), []);
    } finally {
      await client.stop(200);
      await ingest.close();
    }
  });

  it('at shutdown, one line when anything was dropped, with counts by cause; none after a clean run', async () => {
    const lines: string[] = [];
    const down = await refusingLoopback();
    const client = clientFor(down.domain, { logger: quietLogger(lines), traceBatchSize: 1000 });
    client.start();
    for (let i = 0; i < 2005; i++) client.enqueueSpan(span());
    await client.stop(200);
    await down.close();
    const dropLines = lines.filter((line) => line.startsWith('warn stopped with data dropped: '));
    assert.equal(dropLines.length, 1);
    assert.match(dropLines[0]!, /^warn stopped with data dropped: spans 2005 \((?=.*queue_full 5)(?=.*shutdown 2000).*\)$/);

    const ingest = await startTestIngest();
    const cleanLines: string[] = [];
    const clean = clientFor(ingest.domain, { logger: quietLogger(cleanLines) });
    clean.start();
    clean.enqueueSpan(span());
    await clean.stop(1000);
    await ingest.close();
    assert.equal(clean.stats().spans.sent, 1);
    assert.deepEqual(cleanLines, []);
  });
});
