import { useState } from 'preact/hooks';
import { api, seg } from '../api/api-client';
import { type PayloadView } from '../api/types';
import { ErrorBanner } from '../components/error-banner';
import { useAction } from '../hooks/use-api';

interface EditReplayFormProps {
  seq: number;
  payload: PayloadView;
  onCancel(): void;
  onReplayed(): void;
}

/** Why a JSON payload cannot be sent as typed, or undefined when it parses. */
function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * Edits a dead letter's payload and replays the edit. A JSON original must stay valid JSON (the
 * handler's codec would refuse anything else); a binary original (hex view) is edited as base64.
 */
export function EditReplayForm({ seq, payload, onCancel, onReplayed }: EditReplayFormProps) {
  const binary = payload.format === 'hex';
  const [text, setText] = useState(binary ? '' : payload.text);
  const act = useAction();
  const problem = payload.format === 'json' ? jsonProblem(text) : undefined;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (problem) return;
    const ok = await act.run(async () => {
      await api.post(`/api/dead-letters/${seg(seq)}/edit-replay`, {
        payload: text,
        encoding: binary ? 'base64' : 'utf8',
      });
      return true;
    });
    if (ok) onReplayed();
  };
  return (
    <form class="stack edit-replay" onSubmit={submit} aria-label="Edit and replay">
      <label class="field">
        <span>
          {binary ? 'New payload (base64)' : `Payload (${payload.format})`} — the original is kept in the
          history
        </span>
        <textarea
          name="payload"
          class="mono"
          rows={12}
          spellcheck={false}
          autoFocus
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            // Enter adds a line in a textarea; Ctrl/Cmd+Enter sends.
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) e.currentTarget.form?.requestSubmit();
          }}
          aria-invalid={problem ? true : undefined}
        />
      </label>
      {problem && (
        <p class="error" role="alert">
          Not valid JSON: {problem}
        </p>
      )}
      <ErrorBanner error={act.error} />
      <div class="actions left">
        <button type="submit" class="primary" disabled={Boolean(problem) || act.busy}>
          {act.busy ? 'Replaying…' : 'Replay edited payload'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <span class="muted small">Ctrl+Enter sends</span>
      </div>
    </form>
  );
}
