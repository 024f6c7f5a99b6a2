import { parseDlqSeq, parseFilterOptions, parseRate } from './dlq-command.options';

describe('parseDlqSeq', () => {
  it('reads a positive integer', () => {
    expect(parseDlqSeq('42')).toBe(42);
  });

  it.each(['0', '-1', '1.5', 'x', '', '1e3'])('rejects "%s"', (value) => {
    expect(() => parseDlqSeq(value)).toThrow(
      `dlqSeq must be a DLQ stream sequence (a positive integer), got "${value}"`,
    );
  });
});

describe('parseFilterOptions', () => {
  it('maps every option, and the arguments to ids', () => {
    expect(
      parseFilterOptions(
        {
          subject: 'orders.>',
          consumer: 'orders_worker',
          reason: 'validation',
          error: 'Gateway',
          since: '2026-01-01',
          until: '2026-01-02T12:30:00Z',
          limit: '10',
        },
        ['7', '3'],
      ),
    ).toEqual({
      ids: [7, 3],
      subject: 'orders.>',
      consumer: 'orders_worker',
      reason: 'validation',
      error: 'Gateway',
      since: new Date('2026-01-01T00:00:00.000Z'),
      until: new Date('2026-01-02T12:30:00.000Z'),
      limit: 10,
    });
  });

  it('gives an empty filter for no options', () => {
    expect(parseFilterOptions({})).toEqual({});
  });

  it.each([
    [
      { reason: 'timeout' },
      '--reason must be one of error, validation, decode, decrypt, max-deliveries, got "timeout"',
    ],
    [{ since: 'yesterday' }, '--since must be an ISO 8601 date or date-time'],
    [{ until: '2026-13-45' }, '--until must be an ISO 8601 date or date-time'],
    [{ since: '2026-02-30T00:00:00Z' }, '--since must be an ISO 8601 date or date-time'],
    [{ limit: '0' }, '--limit must be a positive integer, got "0"'],
    [{ subject: 'orders..x' }, '--subject has an empty token: "orders..x"'],
    [{ subject: 'orders.>.x' }, '--subject ">" may only be the last token: "orders.>.x"'],
    [{ error: '' }, '--error must not be empty'],
  ])('rejects %p naming the option', (options, message) => {
    expect(() => parseFilterOptions(options)).toThrow(message);
  });

  it('rejects a bad dlqSeq argument', () => {
    expect(() => parseFilterOptions({}, ['1', 'two'])).toThrow('got "two"');
  });
});

describe('parseRate', () => {
  it('reads a positive number', () => {
    expect(parseRate('2.5')).toBe(2.5);
  });

  it.each(['0', '-3', 'fast', '', 'Infinity'])('rejects "%s"', (value) => {
    expect(() => parseRate(value)).toThrow(
      `--rate must be a positive number of replays per second, got "${value}"`,
    );
  });
});
