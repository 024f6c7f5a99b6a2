import { parseByteSize } from './byte-size';

describe('parseByteSize', () => {
  it.each([
    ['1024', 1024],
    ['1K', 1024],
    ['1KiB', 1024],
    ['1KB', 1000],
    ['512MiB', 512 * 1024 ** 2],
    ['1G', 1024 ** 3],
    ['10GB', 10 * 1000 ** 3],
    ['1.5M', 1.5 * 1024 ** 2],
  ])('%s = %d bytes', (text, bytes) => expect(parseByteSize(text)).toBe(bytes));

  it.each(['', 'lots', '1X', '-1M', '1 M B'])('%j is not a size', (text) =>
    expect(parseByteSize(text)).toBeUndefined(),
  );
});
