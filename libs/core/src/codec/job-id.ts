import { type MsgHdrs } from '@nats-io/transport-node';
import { JOB_ID_HEADER } from '../wire/job-id-header';

export { JOB_ID_HEADER };

/** The default identity of a job: `Jetbus-Job-Id` (replays), else `Nats-Msg-Id`, else `<stream>:<seq>`. */
export function defaultJobId(headers: MsgHdrs | undefined, stream: string, seq: number): string {
  for (const name of [JOB_ID_HEADER, 'Nats-Msg-Id']) {
    const v = headers?.has(name) ? headers.get(name) : '';
    if (v) return v;
  }
  return `${stream}:${seq}`;
}
