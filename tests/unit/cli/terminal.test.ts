/**
 * What reaches a terminal or a shell from outside: control characters escaped, values
 * quoted so that `eval` assigns them exactly (checked with a real POSIX shell).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellAssignments, shellQuote, terminalSafe } from '../../../src/cli/terminal.ts';

describe('terminalSafe', () => {
  it('escapes C0, DEL, C1 and bidirectional controls, and leaves other text alone', () => {
    expect(terminalSafe('evil\u001b]0;owned\u0007\u001b[2J\r\nline\u007f\u009b\u202eabc')).toBe(
      'evil\\x1b]0;owned\\x07\\x1b[2J\\x0d\\x0aline\\x7f\\x9b\\u202eabc',
    );
    expect(terminalSafe('Zoë 🎟 user-42')).toBe('Zoë 🎟 user-42');
  });
});

describe('shellQuote', () => {
  it('leaves plain addresses bare', () => {
    expect(shellQuote('127.0.0.1:9092,127.0.0.1:9093')).toBe('127.0.0.1:9092,127.0.0.1:9093');
    expect(shellQuote('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('round-trips values that need quoting through eval in sh', () => {
    const values = {
      REDIS_URL: 'redis://u:p\'a $HOME `id` "q";x@127.0.0.1:6379',
      KAFKA_BROKERS: 'host with space:9092',
    };
    const script = `${shellAssignments(values)}printf '%s\\n%s' "$REDIS_URL" "$KAFKA_BROKERS"`;
    const printed = execFileSync('sh', ['-c', `eval "$(cat)"`], {
      input: script,
      encoding: 'utf8',
    });
    expect(printed).toBe(`${values.REDIS_URL}\n${values.KAFKA_BROKERS}`);
  });
});
