/** Turns payloads into message bodies and back. Decode failures must throw: they are not retried. */
export interface Codec {
  /**
   * Sent as the `Content-Type` header so consumers in other languages know the body format; the
   * default `application/json` is sent as no header at all (no `Content-Type` means JSON).
   */
  readonly contentType: string;
  encode(value: unknown): Uint8Array;
  decode(data: Uint8Array): unknown;
}
