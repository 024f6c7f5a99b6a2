import { didYouMean, editDistance } from './did-you-mean';

describe('editDistance', () => {
  it.each([
    ['streams', 'streams', 0],
    ['streamz', 'streams', 1],
    ['retension', 'retention', 1],
    ['concurency', 'concurrency', 1],
    ['maxAttemtps', 'maxAttempts', 1], // a swap of neighbours is one edit
    ['', 'ttl', 3],
    ['kitten', 'sitting', 3],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('didYouMean', () => {
  const known = ['servers', 'name', 'streams', 'deadLetter', 'handlerDefaults', 'ttl', 'key'];

  it('suggests the closest known name, ignoring case', () => {
    expect(didYouMean('streamz', known)).toBe('streams');
    expect(didYouMean('deadletter', known)).toBe('deadLetter');
    expect(didYouMean('handlerDefault', known)).toBe('handlerDefaults');
    expect(didYouMean('tll', known)).toBe('ttl');
  });

  it('suggests nothing for an unrelated name', () => {
    expect(didYouMean('colour', known)).toBeUndefined();
    expect(didYouMean('x', ['ttl'])).toBeUndefined();
  });
});
