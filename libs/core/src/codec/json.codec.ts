import { type Codec } from './codec.interface';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 JSON. An empty body decodes to `undefined` (a job with no payload), not to an error. */
export class JsonCodec implements Codec {
  readonly contentType = 'application/json';

  encode(value: unknown): Uint8Array {
    // JSON.stringify(undefined) is undefined, which would publish the text "undefined".
    return value === undefined ? new Uint8Array(0) : encoder.encode(JSON.stringify(value));
  }

  decode(data: Uint8Array): unknown {
    return data.length === 0 ? undefined : JSON.parse(decoder.decode(data));
  }
}
