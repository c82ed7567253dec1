import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TeracronConfigError } from '../../../lib/core/config/config-error';
import { coreOptionsOf, resolveNestLayerOptions } from '../../../lib/nest/teracron-module-options';
import { resolveGraphqlTracing } from '../../../lib/nest/graphql/graphql-tracing-options';

describe('the Nest layer options', () => {
  it('applies the defaults: workflow http, nothing excluded, propagation to every host, no interceptor around HTTP routes', () => {
    assert.deepEqual(resolveNestLayerOptions({}), {
      httpInterceptor: false,
      workflow: 'http',
      exclude: [],
      propagateTo: undefined,
      propagation: ['teracron'],
      clientSpans: { http: true, rpc: true },
      graphql: resolveGraphqlTracing(undefined),
    });
  });

  it('keeps what was given', () => {
    const options = { workflow: 'api', exclude: ['/health', /^\/internal/, { method: 'GET', path: '/ready' }], propagateTo: ['.example.com', /^api\./], httpInterceptor: true };
    assert.deepEqual(resolveNestLayerOptions(options), { ...options, propagation: ['teracron'], clientSpans: { http: true, rpc: true }, graphql: resolveGraphqlTracing(undefined) });
  });

  it('refuses a bad value with a TeracronConfigError naming the option', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ workflow: '' }, /option workflow/],
      [{ workflow: 'w'.repeat(129) }, /option workflow/],
      [{ exclude: '/health' }, /option exclude/],
      [{ exclude: [{ method: 'GET' }] }, /option exclude/],
      [{ propagateTo: [42] }, /option propagateTo/],
      [{ httpInterceptor: 'yes' }, /option httpInterceptor/],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => resolveNestLayerOptions(options as never), (error: unknown) => error instanceof TeracronConfigError && message.test(error.message));
    }
  });

  it('passes the core client only its own options', () => {
    const core = coreOptionsOf({ apiKey: 'k', debug: true, workflow: 'api', exclude: [], propagateTo: [], schedule: false, events: true });
    assert.deepEqual(core, { apiKey: 'k', debug: true });
  });
});

describe('propagation and clientSpans options', () => {
  it('default to X-Teracron-Trace only and client spans on', () => {
    const layer = resolveNestLayerOptions({});
    assert.deepEqual(layer.propagation, ['teracron']);
    assert.deepEqual(layer.clientSpans, { http: true, rpc: true });
  });

  it('take the W3C format and turn client spans off, all or one kind', () => {
    assert.deepEqual(resolveNestLayerOptions({ propagation: ['teracron', 'w3c'] }).propagation, ['teracron', 'w3c']);
    assert.deepEqual(resolveNestLayerOptions({ clientSpans: false }).clientSpans, { http: false, rpc: false });
    assert.deepEqual(resolveNestLayerOptions({ clientSpans: { rpc: false } }).clientSpans, { http: true, rpc: false });
  });

  it('refuse an unknown format or a malformed clientSpans, naming the option', () => {
    assert.throws(() => resolveNestLayerOptions({ propagation: ['b3' as never] }), (e: Error) => e instanceof TeracronConfigError && /option propagation/.test(e.message));
    assert.throws(() => resolveNestLayerOptions({ clientSpans: 'no' as never }), (e: Error) => e instanceof TeracronConfigError && /option clientSpans/.test(e.message));
  });
});
