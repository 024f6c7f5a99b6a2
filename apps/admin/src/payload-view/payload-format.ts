/** How a payload is shown: `json` pretty-prints it when it parses (else it falls back to `text`). */
export const PAYLOAD_FORMATS = ['json', 'text', 'hex'] as const;

export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

/**
 * The longest view text returned for one payload, in characters: larger payloads are cut and
 * flagged `truncated`, so a page of messages stays bounded whatever the publishers sent.
 */
export const PAYLOAD_VIEW_MAX_CHARS = 256 * 1024;
