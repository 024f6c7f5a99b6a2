export { PAYLOAD_FORMATS, PAYLOAD_VIEW_MAX_CHARS, type PayloadFormat } from './payload-format';
export { viewPayload, type PayloadView, type PayloadViewOptions } from './payload-view';
export { PayloadViewDto } from './payload-view.dto';
export { escapeControlChars } from './escape-control-chars';
export { type PayloadEncryptionNote, payloadEncryptionNote } from './payload-encryption-note';
