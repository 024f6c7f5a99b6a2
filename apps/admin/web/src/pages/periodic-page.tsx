import { useState } from 'preact/hooks';
import { api, seg } from '../api/api-client';
import { type PeriodicList, type PeriodicPaused, type PeriodicSchedule } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorBanner } from '../components/error-banner';
import { TimeAgo } from '../components/time-ago';
import { Mono, UntrustedText } from '../components/untrusted-text';
import { fmtDuration, fmtNumber, fmtTime } from '../format';
import { useApi, useAction } from '../hooks/use-api';
import { useCan } from '../session-context';

/** Re-read this often: ticks fire and other operators pause or resume while the page is open. */
const POLL_MS = 5_000;

/** "in 3 h 12 min" until the next tick by the cron expression; a paused schedule skips it. */
function nextTickLeft(schedule: PeriodicSchedule, now: number): string {
  if (schedule.paused) return 'skipped while paused';
  if (schedule.nextTick === null) return 'none';
  const left = Date.parse(schedule.nextTick) - now;
  return left > 0 ? `in ${fmtDuration(left)}` : 'firing';
}

/** `#/periodic`: the periodic schedules the workers declared, with pause and resume for operators. */
export function PeriodicPage() {
  const canOperate = useCan('operator');
  const list = useApi(() => api.get<PeriodicList>('/api/periodic'), 'periodic', POLL_MS);
  const [pausing, setPausing] = useState<PeriodicSchedule | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const resume = useAction();
  const schedules = list.data?.schedules ?? [];
  const paused = schedules.filter((s) => s.paused).length;
  const now = Date.now();

  const setPaused = async (name: string, pause: boolean) => {
    const done = await api.post<PeriodicPaused>(`/api/periodic/${seg(name)}/${pause ? 'pause' : 'resume'}`);
    setNotice(
      done.paused
        ? `Schedule ${done.name} paused: its ticks are skipped on every instance until it is resumed.`
        : `Schedule ${done.name} resumed from its next tick.`,
    );
    list.reload();
  };

  return (
    <section class="page">
      <div class="page-head">
        <h1>Periodic schedules</h1>
        <div class="actions">
          <span class="muted">
            {list.data ? `${fmtNumber(schedules.length)} declared, ${fmtNumber(paused)} paused` : ''}
          </span>
          <button type="button" onClick={list.reload}>
            Refresh
          </button>
        </div>
      </div>
      <p class="muted small">
        As the workers declared them. Every instance fires each tick and one execution runs; a paused schedule
        skips its ticks (they are not caught up after resume). Times are shown in the time zone of this
        browser; each cron expression is read in the time zone of its schedule.
        {canOperate ? '' : ' Pausing and resuming need the operator role.'}
      </p>
      <ErrorBanner error={list.error} />
      <ErrorBanner error={resume.error} />
      {notice && (
        <p class="notice" role="status">
          <UntrustedText text={notice} />
        </p>
      )}
      {list.data && schedules.length === 0 && (
        <p class="muted">No worker has declared a periodic schedule.</p>
      )}
      {schedules.length > 0 && (
        <table class="grid periodic">
          <thead>
            <tr>
              <th>Name</th>
              <th>Cron</th>
              <th>Time zone</th>
              <th>Subject</th>
              <th>State</th>
              <th>Last tick</th>
              <th>Next tick</th>
              {canOperate && <th aria-label="Actions" />}
            </tr>
          </thead>
          <tbody>
            {schedules.map((s) => (
              <tr key={s.name} class={s.paused ? 'stale' : undefined}>
                <td>
                  <Mono text={s.name} />
                  <div class="sub">
                    <Mono text={`${s.handler ?? 'module-declared'} · ${s.service}`} />
                  </div>
                </td>
                <td>
                  <Mono text={s.cron} />
                  <div class="sub">
                    {`missed: ${s.missed}`}
                    {s.overlap ? '' : ' · no overlap'}
                  </div>
                </td>
                <td class="nowrap">
                  <Mono text={s.timezone} />
                </td>
                <td>
                  <Mono text={s.subject} />
                </td>
                <td class="nowrap">
                  {s.paused ? <span class="badge warn">paused</span> : <span class="badge ok">active</span>}
                  {s.paused && s.pausedAt && (
                    <div class="sub">
                      since <TimeAgo iso={s.pausedAt} />
                    </div>
                  )}
                </td>
                <td class="nowrap">{s.lastTick ? <TimeAgo iso={s.lastTick} /> : 'never'}</td>
                <td class="nowrap">
                  <time dateTime={s.nextTick ?? undefined}>{fmtTime(s.nextTick)}</time>
                  <div class="sub">{nextTickLeft(s, now)}</div>
                </td>
                {canOperate && (
                  <td>
                    {s.paused ? (
                      <button
                        type="button"
                        aria-label={`Resume ${s.name}`}
                        disabled={resume.busy}
                        onClick={() => {
                          setNotice(undefined);
                          void resume.run(() => setPaused(s.name, false));
                        }}
                      >
                        Resume
                      </button>
                    ) : (
                      <button
                        type="button"
                        class="danger-outline"
                        aria-label={`Pause ${s.name}`}
                        onClick={() => {
                          setNotice(undefined);
                          resume.clear();
                          setPausing(s);
                        }}
                      >
                        Pause…
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pausing && (
        <ConfirmDialog
          title={`Pause ${pausing.name}`}
          confirmText={pausing.name}
          action="Pause schedule"
          onConfirm={() => setPaused(pausing.name, true)}
          onClose={() => setPausing(undefined)}
        >
          <p>
            Schedule <Mono text={pausing.name} /> (<Mono text={pausing.cron} />,{' '}
            <Mono text={pausing.timezone} />) stops firing on every instance from its next tick. Ticks while
            it is paused are skipped, not caught up when it is resumed.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
