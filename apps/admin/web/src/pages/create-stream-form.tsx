import { useState } from 'preact/hooks';
import { api } from '../api/api-client';
import { Dialog } from '../components/dialog';
import { ErrorBanner } from '../components/error-banner';
import { useAction } from '../hooks/use-api';

interface CreateStreamFormProps {
  onClose(): void;
  onCreated(name: string): void;
}

/** Numbers left empty are not sent: the server's defaults apply. */
const optionalInt = (value: string): number | undefined => (value.trim() === '' ? undefined : Number(value));

export function CreateStreamForm({ onClose, onCreated }: CreateStreamFormProps) {
  const [name, setName] = useState('');
  const [subjects, setSubjects] = useState('');
  const [retention, setRetention] = useState('limits');
  const [storage, setStorage] = useState('file');
  const [replicas, setReplicas] = useState('1');
  const [maxAge, setMaxAge] = useState('');
  const [maxMsgs, setMaxMsgs] = useState('');
  const [maxBytes, setMaxBytes] = useState('');
  const [description, setDescription] = useState('');
  const act = useAction();

  const submit = async (e: Event) => {
    e.preventDefault();
    const body = {
      name: name.trim(),
      subjects: subjects
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
      retention,
      storage,
      replicas: Number(replicas),
      maxAge: maxAge.trim() || undefined,
      maxMsgs: optionalInt(maxMsgs),
      maxBytes: optionalInt(maxBytes),
      description: description.trim() || undefined,
    };
    const done = await act.run(async () => {
      await api.post('/api/streams', body);
      return true;
    });
    if (done) onCreated(body.name);
  };

  return (
    <Dialog title="New stream" onClose={onClose}>
      <form class="stack" onSubmit={submit} aria-label="New stream">
        <label class="field">
          <span>Name</span>
          <input
            name="name"
            required
            autoFocus
            pattern="[A-Za-z0-9_\-]+"
            title="Letters, digits, _ and -"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>Subjects (comma or space separated, wildcards allowed)</span>
          <input
            name="subjects"
            required
            class="mono"
            placeholder="orders.>"
            value={subjects}
            onInput={(e) => setSubjects(e.currentTarget.value)}
          />
        </label>
        <div class="row">
          <label class="field">
            <span>Retention</span>
            <select name="retention" value={retention} onChange={(e) => setRetention(e.currentTarget.value)}>
              <option value="limits">limits</option>
              <option value="workqueue">workqueue</option>
              <option value="interest">interest</option>
            </select>
          </label>
          <label class="field">
            <span>Storage</span>
            <select name="storage" value={storage} onChange={(e) => setStorage(e.currentTarget.value)}>
              <option value="file">file</option>
              <option value="memory">memory</option>
            </select>
          </label>
          <label class="field">
            <span>Replicas</span>
            <input
              name="replicas"
              type="number"
              min={1}
              max={5}
              value={replicas}
              onInput={(e) => setReplicas(e.currentTarget.value)}
            />
          </label>
        </div>
        <div class="row">
          <label class="field">
            <span>Max age</span>
            <input
              name="maxAge"
              placeholder="7d, 12h, 30m"
              value={maxAge}
              onInput={(e) => setMaxAge(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span>Max messages</span>
            <input
              name="maxMsgs"
              type="number"
              min={1}
              placeholder="unlimited"
              value={maxMsgs}
              onInput={(e) => setMaxMsgs(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span>Max bytes</span>
            <input
              name="maxBytes"
              type="number"
              min={1}
              placeholder="unlimited"
              value={maxBytes}
              onInput={(e) => setMaxBytes(e.currentTarget.value)}
            />
          </label>
        </div>
        <label class="field">
          <span>Description</span>
          <input
            name="description"
            value={description}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
        </label>
        <ErrorBanner error={act.error} />
        <div class="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={act.busy}>
            {act.busy ? 'Creating…' : 'Create stream'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
