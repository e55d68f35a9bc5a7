import { describe, expect, it } from 'vitest';
import { UsageError, parseRate } from '../../cli/ops/command.js';

describe('--rate of the bulk commands', () => {
  it('takes whole users a second from 1 to 500 and refuses anything else as a usage error', () => {
    expect(parseRate('1')).toBe(1);
    expect(parseRate('500')).toBe(500);
    for (const bad of ['0', '501', '2.5', 'fast', '', undefined])
      expect(() => parseRate(bad), String(bad)).toThrow(UsageError);
  });
});
