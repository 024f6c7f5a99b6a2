import { type DeadLetterEntry, type ReplayReport } from '@jetbus/core/ops';
import { escapeTerminal } from '../escape-terminal';
import { formatTable } from '../format-table';

const ERROR_COLUMN_WIDTH = 80;

/** How `show` presents the payload: parsed JSON, UTF-8 text, or base64 for anything else. */
export interface PayloadView {
  encoding: 'json' | 'text' | 'base64';
  value: unknown;
}

export function payloadView(data: Uint8Array): PayloadView {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return { encoding: 'base64', value: Buffer.from(data).toString('base64') };
  }
  // Valid UTF-8 can still be binary; control characters would garble a terminal.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text))
    return { encoding: 'base64', value: Buffer.from(data).toString('base64') };
  try {
    return { encoding: 'json', value: JSON.parse(text) as unknown };
  } catch {
    return { encoding: 'text', value: text };
  }
}

/** `Class: message`, or whichever of the two is there. */
const errorText = (errorClass: string, errorMessage: string): string =>
  [errorClass, errorMessage].filter(Boolean).join(': ');

/** The JSON shape of one dead letter in `ls` (no payload) and `show` (`withPayload`). */
export function entryView(entry: DeadLetterEntry, withPayload = false): Record<string, unknown> {
  const common = {
    dlqSeq: entry.dlqSeq,
    dlqSubject: entry.dlqSubject,
    storedAt: entry.storedAt.toISOString(),
    size: entry.data.byteLength,
  };
  const payload = withPayload ? { payload: payloadView(entry.data) } : {};
  if (entry.kind === 'malformed') {
    return { ...common, malformed: entry.problem, headers: entry.headers, ...payload };
  }
  return {
    ...common,
    subject: entry.subject,
    stream: entry.stream,
    seq: entry.seq,
    consumer: entry.consumer,
    attempts: entry.attempts,
    reason: entry.reason,
    errorClass: entry.errorClass,
    errorMessage: entry.errorMessage,
    errorStack: entry.errorStack,
    failedAt: entry.failedAt.toISOString(),
    handler: entry.handler,
    originalMsgId: entry.originalMsgId,
    headers: entry.headers,
    ...payload,
  };
}

/** `ls` for people: one row per dead letter. */
export function formatEntries(entries: DeadLetterEntry[]): string[] {
  if (!entries.length) return ['no dead letters'];
  return formatTable(
    ['DLQ SEQ', 'FAILED AT', 'SUBJECT', 'CONSUMER', 'ATTEMPTS', 'REASON', 'ERROR'],
    entries.map((e) =>
      e.kind === 'malformed'
        ? [e.dlqSeq, e.storedAt.toISOString(), '', '', '', 'malformed', clip(e.problem)]
        : [
            e.dlqSeq,
            e.failedAt.toISOString(),
            e.subject,
            e.consumer,
            e.attempts,
            e.reason,
            clip(errorText(e.errorClass, e.errorMessage)),
          ],
    ),
  );
}

/**
 * `show` for people: the fields, the stack, the original headers and the payload; `encryption` says
 * whether an encrypted payload is shown decrypted or as ciphertext.
 */
export function formatEntry(entry: DeadLetterEntry, encryption?: string): string[] {
  // Every field comes from the DLQ, which whoever could publish a failing job partly wrote:
  // escaped here field by field, so a newline in one cannot forge another line.
  const lines = [
    `dead letter ${entry.dlqSeq} (${escapeTerminal(entry.dlqSubject)}, stored ${entry.storedAt.toISOString()})`,
  ];
  if (entry.kind === 'malformed') {
    lines.push(`MALFORMED: ${escapeTerminal(entry.problem)}`);
  } else {
    lines.push(
      '',
      ...formatTable(
        ['FIELD', 'VALUE'],
        [
          ['subject', entry.subject],
          ['stream', entry.stream],
          ['seq', entry.seq],
          ['consumer', entry.consumer],
          ['handler', entry.handler],
          ['attempts', entry.attempts],
          ['reason', entry.reason],
          ['failed at', entry.failedAt.toISOString()],
          ['error', errorText(entry.errorClass, entry.errorMessage)],
          ['msg id', entry.originalMsgId],
        ],
      ),
    );
    if (entry.errorStack) {
      lines.push('', 'stack', ...entry.errorStack.split(' | ').map((frame) => `  ${escapeTerminal(frame)}`));
    }
  }
  const headers = Object.entries(entry.headers).flatMap(([name, values]) =>
    values.map((v) => `  ${escapeTerminal(name)}: ${escapeTerminal(v)}`),
  );
  lines.push(
    '',
    entry.kind === 'malformed' ? 'headers (as stored)' : 'headers',
    ...(headers.length ? headers : ['  (none)']),
  );
  const payload = payloadView(entry.data);
  lines.push('', `payload (${payload.encoding}, ${entry.data.byteLength} bytes)`);
  if (encryption) lines.push(`payload ${escapeTerminal(encryption)}`);
  lines.push(
    escapeTerminal(
      payload.encoding === 'json' ? JSON.stringify(payload.value, null, 2) : String(payload.value),
      {
        keepLines: true,
      },
    ),
  );
  return lines;
}

/** The JSON shape of a replay report: errors as `{ name, code, message }`. */
export function reportView(report: ReplayReport): Record<string, unknown> {
  return {
    ...report,
    failed: report.failed.map((f) => {
      const code = (f.error as { code?: unknown }).code;
      const error = {
        name: f.error.name,
        ...(typeof code === 'string' ? { code } : {}),
        message: f.error.message,
      };
      return { ...f, error };
    }),
  };
}

/** A replay report for people: one row per dead letter in DLQ order, then the totals. */
export function formatReport(report: ReplayReport): string[] {
  const rows: [number, string, string, string][] = [
    ...report.replayed.map((r): [number, string, string, string] => [
      r.dlqSeq,
      r.subject,
      'replayed',
      `${r.stream} seq ${r.seq}${r.duplicate ? ' (already stored by an earlier run)' : ''}`,
    ]),
    ...report.wouldReplay.map((r): [number, string, string, string] => [
      r.dlqSeq,
      r.subject,
      'would replay',
      `to stream ${r.stream}`,
    ]),
    ...report.skipped.map((s): [number, string, string, string] => [s.dlqSeq, '', 'skipped', s.reason]),
    ...report.failed.map((f): [number, string, string, string] => [
      f.dlqSeq,
      f.subject,
      'failed',
      f.published
        ? `replayed to ${f.published.stream} seq ${f.published.seq} but not deleted: ${f.error.message}`
        : f.error.message,
    ]),
  ].sort((a, b) => a[0] - b[0]);
  const totals = report.dryRun
    ? `dry run: would replay ${report.wouldReplay.length}, skipped ${report.skipped.length}, failed ${report.failed.length}; nothing was published or deleted`
    : `replayed ${report.replayed.length}, skipped ${report.skipped.length}, failed ${report.failed.length}`;
  return [
    ...(rows.length
      ? formatTable(['DLQ SEQ', 'SUBJECT', 'OUTCOME', 'DETAIL'], rows)
      : ['no dead letters match']),
    '',
    totals,
    ...(report.aborted ? ['interrupted: run the same command again to replay the rest'] : []),
  ];
}

/** Escaped first, so the clipped text is what is shown. */
const clip = (raw: string): string => {
  const s = escapeTerminal(raw);
  return s.length > ERROR_COLUMN_WIDTH ? `${s.slice(0, ERROR_COLUMN_WIDTH - 1)}…` : s;
};
