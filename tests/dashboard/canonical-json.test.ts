import { describe, expect, it } from 'vitest';
import { applyMergePatch, canonicalJson, toJsonPointer } from '../../dashboard/index.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"z":1}]},"b":1}',
    );
  });

  it('writes what JSON cannot hold as null, and refuses what it cannot represent', () => {
    expect(canonicalJson([undefined, Number.NaN, Infinity])).toBe('[null,null,null]');
    expect(() => canonicalJson({ at: 1n })).toThrow(TypeError);
  });
});

describe('applyMergePatch (RFC 7396 appendix A)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });
});

describe('toJsonPointer', () => {
  it('escapes ~ and / (RFC 6901)', () => {
    expect(toJsonPointer(['a/b', 'm~n', 0])).toBe('/a~1b/m~0n/0');
    expect(toJsonPointer([])).toBe('');
  });
});
