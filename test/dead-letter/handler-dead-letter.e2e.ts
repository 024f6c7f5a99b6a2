import { Injectable } from '@nestjs/common';
import { JobHandler, NonRetryableError, Payload } from '@jetbus/core';
import { readDeadLetters } from '../support/dead-letters';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

@Injectable()
class SplitJobs {
  @JobHandler('split.billing', { deadLetter: { stream: 'BILLING_DLQ', subjectPrefix: 'dlq-billing' } })
  billing(@Payload() _job: object): void {
    throw new NonRetryableError('card declined');
  }

  @JobHandler('split.default')
  other(@Payload() _job: object): void {
    throw new NonRetryableError('nope');
  }

  @JobHandler('split.quiet', { deadLetter: false })
  quiet(@Payload() _job: object): void {
    throw new NonRetryableError('ignored on purpose');
  }
}

describe('dead letters configured per handler', () => {
  const t = useJetbus(
    {
      name: 'split',
      streams: [
        { name: 'SPLIT', subjects: ['split.>'], retention: 'workqueue' },
        { name: 'BILLING_DLQ', subjects: ['dlq-billing.>'] },
      ],
    },
    [SplitJobs],
  );

  it("sends a handler's dead letters to its own stream, the rest to the module's, or only logs them", async () => {
    const bus = t.bus;
    const billing = await bus.publish('split.billing', {});
    const other = await bus.publish('split.default', {});
    const quiet = await bus.publish('split.quiet', {});
    const { jsm } = t.connection;
    await waitFor('all settled', async () => (await jsm.streams.info('SPLIT')).state.messages === 0);

    const own = await readDeadLetters(jsm, 'BILLING_DLQ');
    expect(own.map((d) => [d.dlqSubject, d.seq, d.errorMessage])).toEqual([
      ['dlq-billing.split.billing', billing.seq, 'card declined'],
    ]);
    const shared = await readDeadLetters(jsm, 'JETBUS_DLQ');
    expect(shared.map((d) => [d.dlqSubject, d.seq])).toEqual([['dlq.split.default', other.seq]]);
    const logged = t.logs.records.filter((r) => r.msg === 'job dead-lettered' && r.seq === quiet.seq);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ subject: 'split.quiet', reason: 'error', handler: 'SplitJobs.quiet' });
  });
});
