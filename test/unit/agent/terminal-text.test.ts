import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { escapeForTerminal } from '../../../lib/agent/terminal-text';

describe('escapeForTerminal', () => {
  it('turns every control and bidi character into a visible escape and keeps the rest', () => {
    assert.equal(escapeForTerminal('\u001b]0;owned\u0007'), '\\x1b]0;owned\\x07');
    assert.equal(escapeForTerminal('a\rb\nc\td\u007f\u009b'), 'a\\x0db\\x0ac\\x09d\\x7f\\x9b');
    assert.equal(escapeForTerminal('\u202eevil\u202c \u2066x\u2069 \u200f\u061c\u2028'), '\\u202eevil\\u202c \\u2066x\\u2069 \\u200f\\u061c\\u2028');
    assert.equal(escapeForTerminal('POST /orders → ✓ café 日本'), 'POST /orders → ✓ café 日本');
  });
});
