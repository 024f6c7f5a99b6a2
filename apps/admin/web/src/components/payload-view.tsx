import { type PayloadView as Payload } from '../api/types';
import { fmtBytes } from '../format';
import { UntrustedText } from './untrusted-text';

/** A message body as the API rendered it (pretty JSON, escaped text or a hex dump), inert. */
export function PayloadView({ payload }: { payload: Payload }) {
  return (
    <div class="payload">
      <div class="payload-meta">
        <span class="badge">{payload.format}</span> {fmtBytes(payload.bytes)}
        {payload.truncated && <span class="badge warn">truncated</span>}
        {payload.encryption && <span class="badge warn">encrypted</span>}
      </div>
      {payload.encryption && (
        <p class="muted">
          <UntrustedText text={payload.encryption.note} />
        </p>
      )}
      <pre class="code" tabIndex={0}>
        <UntrustedText text={payload.text} multiline />
      </pre>
    </div>
  );
}
