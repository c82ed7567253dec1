import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClassClaims } from '../../../lib/integrations/discovery/class-claims';

describe('class claims (which running app a shared class belongs to)', () => {
  class Jobs {}
  class Other {}

  it('finds the app that discovered the instance class, and nothing for other classes', () => {
    const claims = new ClassClaims<string>();
    claims.claim([Jobs.prototype], 'app-a');
    assert.equal(claims.find(new Jobs()), 'app-a');
    assert.equal(claims.find(new Other()), undefined);
    assert.equal(claims.find(undefined), undefined);
    assert.equal(claims.find(42), undefined);
  });

  it('prefers the newest app, and falls back when it is released', () => {
    const claims = new ClassClaims<string>();
    const releaseA = claims.claim([Jobs.prototype], 'app-a');
    const releaseB = claims.claim([Jobs.prototype], 'app-b');
    assert.equal(claims.find(new Jobs()), 'app-b');
    releaseB();
    assert.equal(claims.find(new Jobs()), 'app-a');
    releaseA();
    releaseA();
    assert.equal(claims.find(new Jobs()), undefined);
  });
});
