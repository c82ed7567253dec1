import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RouteExclusion } from '../../../lib/http/route-exclusion';

describe('RouteExclusion', () => {
  it('excludes nothing when no routes are listed', () => {
    const exclusion = new RouteExclusion([]);
    assert.equal(exclusion.isRouteExcluded('GET', '/health'), false);
    assert.equal(exclusion.isPathExcluded('GET', '/health'), false);
  });

  it('excludes a route by its template, with or without the slashes around it', () => {
    for (const written of ['/health', 'health', '/health/']) {
      const exclusion = new RouteExclusion([written]);
      assert.equal(exclusion.isRouteExcluded('GET', '/health'), true, written);
      assert.equal(exclusion.isRouteExcluded('GET', '/orders/:id'), false, written);
      assert.equal(exclusion.isPathExcluded('GET', '/orders/1'), false, written);
    }
  });

  it('excludes by the concrete path when the entry names one', () => {
    const exclusion = new RouteExclusion(['/orders/internal']);
    assert.equal(exclusion.isPathExcluded('GET', '/orders/internal'), true);
    assert.equal(exclusion.isRouteExcluded('GET', '/orders/:id'), false);
    assert.equal(exclusion.isPathExcluded('GET', '/orders/7'), false);
  });

  it('tests a RegExp against template and path, also a global one called repeatedly', () => {
    const exclusion = new RouteExclusion([/^\/internal\//g]);
    for (let i = 0; i < 3; i++) {
      assert.equal(exclusion.isRouteExcluded('GET', '/internal/:probe'), true);
      assert.equal(exclusion.isPathExcluded('GET', '/internal/ready'), true);
    }
    assert.equal(exclusion.isRouteExcluded('GET', '/orders/:id'), false);
    assert.equal(exclusion.isPathExcluded('GET', '/orders/7'), false);
  });

  it('limits an entry with a method to that method, whatever its case', () => {
    const exclusion = new RouteExclusion([{ method: 'get', path: '/orders/:id' }]);
    assert.equal(exclusion.isRouteExcluded('GET', '/orders/:id'), true);
    assert.equal(exclusion.isRouteExcluded('DELETE', '/orders/:id'), false);
  });
});
