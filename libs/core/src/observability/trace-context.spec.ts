import { childTraceparent, parseTraceparent } from './trace-context';

const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('parseTraceparent', () => {
  it('reads a W3C traceparent', () => {
    expect(parseTraceparent(valid)).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: '01',
    });
  });

  it.each([
    [undefined],
    [''],
    ['garbage'],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7'],
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
  ])('ignores %p', (value) => expect(parseTraceparent(value)).toBeUndefined());
});

describe('childTraceparent', () => {
  it('keeps the trace and flags, with a new span', () => {
    const parent = parseTraceparent(valid)!;
    const child = parseTraceparent(childTraceparent(parent))!;
    expect(child.traceId).toBe(parent.traceId);
    expect(child.flags).toBe('01');
    expect(child.spanId).not.toBe(parent.spanId);
  });
});
