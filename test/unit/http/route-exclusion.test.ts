import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RouteExclusion } from '../../../lib/http/route-exclusion';


describe('RouteExclusion', () => {
  it('excludes nothing when no routes are listed', () => {
    const exclusion = new RouteExclusion([]);
    assert.equal(exclusion.empty, true);
    assert.equal(exclusion.isExcluded('GET', '/health', '/health'), false);
  });

  it('excludes a route by its template, with or without the slashes around it', () => {
    for (const written of ['/health', 'health', '/health/']) {
      const exclusion = new RouteExclusion([written]);
      assert.equal(exclusion.isExcluded('GET', '/health', '/health'), true, written);
      assert.equal(exclusion.isExcluded('GET', '/orders/:id', '/orders/1'), false, written);
    }
  });

  it('excludes by the concrete path when the entry names one', () => {
    const exclusion = new RouteExclusion(['/orders/internal']);
    assert.equal(exclusion.isExcluded('GET', '/orders/:id', '/orders/internal'), true);
    assert.equal(exclusion.isExcluded('GET', '/orders/:id', '/orders/7'), false);
  });

  it('tests a RegExp against template and path, also a global one called repeatedly', () => {
    const exclusion = new RouteExclusion([/^\/internal\//g]);
    for (let i = 0; i < 3; i++) assert.equal(exclusion.isExcluded('GET', '/internal/:probe', '/internal/ready'), true);
    assert.equal(exclusion.isExcluded('GET', '/orders/:id', '/orders/7'), false);
  });

  it('limits an entry with a method to that method, whatever its case', () => {
    const exclusion = new RouteExclusion([{ method: 'get', path: '/orders/:id' }]);
    assert.equal(exclusion.isExcluded('GET', '/orders/:id', '/orders/7'), true);
    assert.equal(exclusion.isExcluded('DELETE', '/orders/:id', '/orders/7'), false);
  });
});
