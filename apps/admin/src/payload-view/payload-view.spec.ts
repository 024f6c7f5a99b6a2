import { PAYLOAD_VIEW_MAX_CHARS, viewPayload } from './index';

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('viewPayload', () => {
  describe('when the format is json (the default)', () => {
    it('pretty-prints a JSON object with two-space indents', () => {
      expect(viewPayload(bytesOf('{"a":1,"b":[true,null],"c":{},"d":[]}'))).toEqual({
        format: 'json',
        text: '{\n  "a": 1,\n  "b": [\n    true,\n    null\n  ],\n  "c": {},\n  "d": []\n}',
        truncated: false,
        bytes: 37,
      });
    });

    it('keeps numbers, duplicate keys and string escapes exactly as sent', () => {
      const view = viewPayload(bytesOf('{ "id" : 12345678901234567890, "x": 1.0, "x": "a\\"b, c:{" }'));
      expect(view.text).toBe('{\n  "id": 12345678901234567890,\n  "x": 1.0,\n  "x": "a\\"b, c:{"\n}');
    });

    it('keeps JSON escapes of control characters and escapes the raw DEL, C1 and bidi characters JSON allows', () => {
      const view = viewPayload(bytesOf('["\\u001b[31m", "a\u007fb\u009bc\u202ed"]'));
      expect(view.text).toBe('[\n  "\\u001b[31m",\n  "a\\u007fb\\u009bc\\u202ed"\n]');
      expect(JSON.parse(view.text)).toEqual(['\u001b[31m', 'a\u007fb\u009bc\u202ed']);
    });

    it('falls back to text when the payload is not JSON', () => {
      expect(viewPayload(bytesOf('<script>alert(1)</script>'))).toEqual({
        format: 'text',
        text: '<script>alert(1)</script>',
        truncated: false,
        bytes: 25,
      });
    });

    it('shows an empty payload as empty text', () => {
      expect(viewPayload(new Uint8Array())).toEqual({ format: 'text', text: '', truncated: false, bytes: 0 });
    });

    it('cuts JSON longer than maxChars and says so', () => {
      const view = viewPayload(bytesOf('[1,2,3]'), { maxChars: 6 });
      expect(view).toEqual({ format: 'json', text: '[\n  1,', truncated: true, bytes: 7 });
    });
  });

  describe('when the format is text', () => {
    it('shows JSON as the text it is', () => {
      expect(viewPayload(bytesOf('{"a":1}'), { format: 'text' }).text).toBe('{"a":1}');
    });

    it('escapes C0 controls, ESC, DEL and C1 controls but keeps tab and line feed', () => {
      const view = viewPayload(bytesOf('a\u001b[2J\r\u0000\u007f\u0085\u009b\tb\nc'), { format: 'text' });
      expect(view.text).toBe('a\\u001b[2J\\u000d\\u0000\\u007f\\u0085\\u009b\tb\nc');
    });

    it('escapes bidirectional overrides and line separators', () => {
      expect(viewPayload(bytesOf('x\u202ey\u2066z\u2028'), { format: 'text' }).text).toBe(
        'x\\u202ey\\u2066z\\u2028',
      );
    });

    it('keeps multi-byte characters and shows each byte of an invalid sequence as \\xNN', () => {
      const data = Uint8Array.from([
        0x68, 0xc3, 0xa9, 0xff, 0xc3, 0x28, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x80,
      ]);
      expect(viewPayload(data, { format: 'text' })).toEqual({
        format: 'text',
        text: 'hé\\xff\\xc3(😀\\xed\\xa0\\x80',
        truncated: false,
        bytes: 13,
      });
    });

    it('rejects overlong encodings and a sequence cut by the end of the payload', () => {
      expect(viewPayload(Uint8Array.from([0xc0, 0xaf, 0xe2, 0x82]), { format: 'text' }).text).toBe(
        '\\xc0\\xaf\\xe2\\x82',
      );
    });

    it('stops at maxChars without cutting an escape in two', () => {
      expect(viewPayload(bytesOf('ab\u001bcd'), { format: 'text', maxChars: 3 })).toEqual({
        format: 'text',
        text: 'ab\\u001b',
        truncated: true,
        bytes: 5,
      });
    });

    it('cuts payloads over 256 KiB by default', () => {
      const view = viewPayload(new Uint8Array(PAYLOAD_VIEW_MAX_CHARS + 10).fill(0x61), { format: 'text' });
      expect(view.text).toHaveLength(PAYLOAD_VIEW_MAX_CHARS);
      expect(view.truncated).toBe(true);
      expect(view.bytes).toBe(PAYLOAD_VIEW_MAX_CHARS + 10);
    });
  });

  describe('when the format is hex', () => {
    it('dumps 16 bytes per line with offsets and the printable ASCII', () => {
      const view = viewPayload(bytesOf('Hello, <world>!\n\u001bX'), { format: 'hex' });
      expect(view).toEqual({
        format: 'hex',
        text:
          '00000000  48 65 6c 6c 6f 2c 20 3c  77 6f 72 6c 64 3e 21 0a  |Hello, <world>!.|\n' +
          '00000010  1b 58                                             |.X|',
        truncated: false,
        bytes: 18,
      });
    });

    it('stops at a whole line before maxChars', () => {
      const view = viewPayload(new Uint8Array(40), { format: 'hex', maxChars: 160 });
      expect(view.text.split('\n')).toHaveLength(2);
      expect(view.truncated).toBe(true);
    });
  });
});
