import { describe, expect, it } from 'vitest';
import { newClusterId } from '../../stack/engines.js';

describe('newClusterId', () => {
  it('never starts with a dash, which the Kafka storage tool would read as an option', () => {
    // 0xf8 leads to '-' in base64url; the next draw is taken instead.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    const id = newClusterId(() => draws.shift() ?? Buffer.alloc(16, 0x02));
    expect(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-')).toBe(true);
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
    for (let i = 0; i < 1000; i++) expect(newClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
