import { escapeTerminal, safeJson } from './escape-terminal';

describe('escapeTerminal', () => {
  it('shows C0, DEL, C1 and bidi controls as escapes, on one line', () => {
    expect(escapeTerminal('a\u001b[31mb\u0007c\u007fd\u009b2Je\u202ef\r\ng\th')).toBe(
      'a\\x1b[31mb\\x07c\\x7fd\\x9b2Je\\u202ef\\r\\ng\\th',
    );
  });
  it('keeps line feeds and tabs with keepLines, never carriage returns', () => {
    expect(escapeTerminal('a\n\tb\rc\u001bd', { keepLines: true })).toBe('a\n\tb\\rc\\x1bd');
  });
  it('leaves printable text alone, non-ASCII included, and is idempotent', () => {
    const text = 'héllo → wörld 日本 {"a":1} C:\\path';
    expect(escapeTerminal(text)).toBe(text);
    const once = escapeTerminal('\u001b]0;x\u0007');
    expect(escapeTerminal(once)).toBe(once);
  });
  it('escapes line and paragraph separators', () => {
    expect(escapeTerminal('a\u2028b\u2029c')).toBe('a\\u2028b\\u2029c');
  });
});

describe('safeJson', () => {
  it('is the same JSON value, with DEL, C1, separators and bidi controls as \\u escapes', () => {
    const value = { s: 'a\u001bb\u007fc\u009bd\u2028e\u202ef' };
    const text = safeJson(value);
    expect(text).not.toMatch(/[\u007f-\u009f\u2028\u202e]/);
    expect(text).not.toContain('\u001b');
    expect(JSON.parse(text)).toEqual(value);
  });
});
