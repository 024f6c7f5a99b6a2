import { Injectable } from '@nestjs/common';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { Objm } from '@nats-io/obj';
import {
  DeadLetterHeaders as H,
  DeadLetterStore,
  JobHandler,
  Payload,
  replayDeadLetters,
} from '@jetbus/core';
import { useJetbus } from '../support/use-jetbus';

/**
 * Dead letters written by hand, by a client allowed to publish `dlq.<its subject>` (a worker role
 * may), that point at objects jetbus never put there: another object store, another stream's payload
 * bucket. Replay would publish that object to the entry's subject (a worker could read what only an
 * operator can), and `delete` would remove it. Such entries are malformed: listed, never replayed,
 * and deleting them touches no object.
 */

const runs: unknown[] = [];

@Injectable()
class Jobs {
  @JobHandler('fd.job')
  job(@Payload() job: unknown): void {
    runs.push(job);
  }
}

describe('dead letters pointing at objects jetbus never wrote', () => {
  const t = useJetbus({ name: 'fd', streams: [{ name: 'FD', subjects: ['fd.>'], retention: 'workqueue' }] }, [
    Jobs,
  ]);

  it('are malformed: not replayed, their object neither read nor deleted', async () => {
    const objm = new Objm(t.js);
    const secrets = await objm.create('SECRETS');
    await secrets.putBlob({ name: 'key' }, Buffer.from('"top secret"'));
    const other = await objm.create('JETBUS_DLQ_PAYLOADS_OTHER');
    await other.putBlob({ name: '5' }, Buffer.from('"another stream\'s payload"'));

    const forge = async (field: string, value: string) => {
      const h = natsHeaders();
      h.set(H.Subject, 'fd.job');
      h.set(H.Stream, 'FD');
      h.set(H.Seq, '5');
      h.set(H.Reason, 'error');
      h.set(field, value);
      if (field === H.Payload) h.set(H.PayloadSize, '12');
      return (await t.js.publish('dlq.fd.job', new Uint8Array(0), { headers: h })).seq;
    };
    const forged = [
      await forge(H.Payload, 'object SECRETS key'),
      await forge(H.Payload, 'object JETBUS_DLQ_PAYLOADS_OTHER 5'),
      await forge(H.Payload, 'object JETBUS_DLQ_PAYLOADS_FD key'),
      await forge(H.Headers, 'object SECRETS key'),
    ];

    const store = new DeadLetterStore(t.jsm);
    const entries = await store.list({ ids: forged });
    expect(entries.map((e) => [e.dlqSeq, e.kind])).toEqual(forged.map((seq) => [seq, 'malformed']));
    for (const e of entries)
      expect(e.kind === 'malformed' && e.problem).toMatch(/is not where jetbus keeps it$/);

    const report = await replayDeadLetters(store, t.js, { ids: forged });
    expect(report.replayed).toEqual([]);
    expect(report.skipped.map((s) => s.dlqSeq)).toEqual(forged);
    expect((await t.jsm.streams.info('FD')).state.last_seq).toBe(0);
    expect(runs).toEqual([]);

    for (const seq of forged) expect(await store.delete(seq)).toBe(true);
    expect(Buffer.from((await secrets.getBlob('key'))!).toString()).toBe('"top secret"');
    expect(Buffer.from((await other.getBlob('5'))!).toString()).toBe('"another stream\'s payload"');
  });
});
