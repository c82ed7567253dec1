/** The `graphql` option: defaults, the boolean shorthand, and a clear error for each mistake. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TeracronConfigError } from '../../../lib/core/config/config-error';
import { resolveGraphqlTracing } from '../../../lib/nest/graphql/graphql-tracing-options';
import { coreOptionsOf, resolveNestLayerOptions } from '../../../lib/nest/teracron-module-options';

describe('the graphql option', () => {
  it('traces GraphQL by default, without field spans, 100 field spans per operation when they are on', () => {
    assert.deepEqual(resolveGraphqlTracing(undefined), { enabled: true, workflow: 'graphql', fieldSpans: false, maxFieldSpans: 100 });
    assert.deepEqual(resolveGraphqlTracing({ fieldSpans: true }), { enabled: true, workflow: 'graphql', fieldSpans: true, maxFieldSpans: 100 });
    assert.deepEqual(resolveNestLayerOptions({}).graphql, resolveGraphqlTracing(undefined));
  });

  it('takes true and false for { enabled }, a workflow and a cap', () => {
    assert.equal(resolveGraphqlTracing(false).enabled, false);
    assert.equal(resolveGraphqlTracing(true).enabled, true);
    assert.deepEqual(resolveGraphqlTracing({ workflow: 'api', fieldSpans: true, maxFieldSpans: 10_000 }), { enabled: true, workflow: 'api', fieldSpans: true, maxFieldSpans: 10_000 });
  });

  it('refuses a wrong value with a TeracronConfigError naming the option', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['yes', /option graphql: expected true, false or \{/],
      [{ enabled: 'no' }, /graphql\.enabled: expected true or false/],
      [{ fieldSpans: 1 }, /graphql\.fieldSpans: expected true or false/],
      [{ maxFieldSpans: 0 }, /graphql\.maxFieldSpans: expected an integer from 1 to 10000 \(got 0\)/],
      [{ maxFieldSpans: 2.5 }, /graphql\.maxFieldSpans/],
      [{ maxFieldSpans: 10_001 }, /graphql\.maxFieldSpans/],
      [{ workflow: '' }, /graphql\.workflow: expected a non-empty string/],
    ];
    for (const [value, message] of cases) {
      assert.throws(() => resolveGraphqlTracing(value as never), (error: unknown) => error instanceof TeracronConfigError && message.test(error.message), String(JSON.stringify(value)));
    }
  });

  it('is never passed to the core client', () => {
    assert.equal('graphql' in coreOptionsOf({ graphql: { fieldSpans: true } }), false);
  });
});
