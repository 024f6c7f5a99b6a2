import { type JsMsg } from '@nats-io/jetstream';
import pino from 'pino';
import { AckBatch } from './ack-batch';

const msg = (log: string[], name: string, fail = false) =>
  ({
    subject: name,
    seq: 1,
    ack: () => {
      if (fail) throw new Error('connection closed');
      log.push(name);
    },
  }) as unknown as JsMsg;

const silent = pino({ level: 'silent' });

describe('AckBatch', () => {
  it('gathers the acks of jobs that finish a few microtasks apart and sends them together, in order', async () => {
    const sent: string[] = [];
    const batch = new AckBatch(silent);
    batch.ack(msg(sent, 'a'));
    await Promise.resolve();
    await Promise.resolve();
    batch.ack(msg(sent, 'b'));
    expect(sent).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual(['a', 'b']);
  });

  it('sends them before the event loop runs any other callback: a crash in the next timer cannot lose them', async () => {
    const events: string[] = [];
    const batch = new AckBatch(silent);
    // Two timers due in the same turn: the first finishes a job, the second could kill the process.
    await new Promise<void>((done) => {
      setTimeout(() => batch.ack(msg(events, 'ack')), 1);
      setTimeout(() => {
        events.push('next timer');
        done();
      }, 1);
    });
    expect(events).toEqual(['ack', 'next timer']);
  });

  it('flush() sends at once; an ack that throws does not stop the others', () => {
    const sent: string[] = [];
    const batch = new AckBatch(silent);
    batch.ack(msg(sent, 'a'));
    batch.ack(msg(sent, 'bad', true));
    batch.ack(msg(sent, 'c'));
    batch.flush();
    expect(sent).toEqual(['a', 'c']);
    batch.flush();
    expect(sent).toEqual(['a', 'c']);
  });
});
