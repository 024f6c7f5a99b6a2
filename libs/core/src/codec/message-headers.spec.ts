import { escapeControl, parseLeniently } from './message-headers';

const block = (lines: string[]) => new TextEncoder().encode(`NATS/1.0\r\n${lines.join('\r\n')}\r\n\r\n`);

describe('parseLeniently', () => {
  describe('when a header name is one nats.js refuses', () => {
    it('keeps every valid line and the whole block, escaped', () => {
      const read = parseLeniently(block(['X-Case: a', 'Bad Key: v', 'traceparent: t', 'X-Esc: \u001b[2J']));
      expect([...read.headers!].map(([k, v]) => [k, v])).toEqual([
        ['X-Case', ['a']],
        ['traceparent', ['t']],
        ['X-Esc', ['\u001b[2J']],
      ]);
      expect(read.undecodable).toBe(
        'NATS/1.0\\r\\nX-Case: a\\r\\nBad Key: v\\r\\ntraceparent: t\\r\\nX-Esc: \\x1b[2J\\r\\n\\r\\n',
      );
    });
  });

  it('cuts the kept block at 2 KiB', () => {
    expect(parseLeniently(block([`Bad Key: ${'v'.repeat(5_000)}`])).undecodable).toHaveLength(2_048);
  });
});

describe('escapeControl', () => {
  it('escapes C0, DEL, C1 and non-ASCII, and leaves printable ASCII alone', () => {
    expect(escapeControl('a\u0007b\u007fc\u009bd\u00e9\u2028 ok')).toBe('a\\x07b\\x7fc\\x9bd\\xe9\\u2028 ok');
  });
});
