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

describe('AckBatch', () => {
  it('holds the acks of this turn and sends them together at its end, in order', async () => {
    const sent: string[] = [];
    const batch = new AckBatch(pino({ level: 'silent' }));
    batch.ack(msg(sent, 'a'));
    await Promise.resolve();
    batch.ack(msg(sent, 'b'));
    expect(sent).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual(['a', 'b']);
  });

  it('flush() sends at once; an ack that throws does not stop the others', () => {
    const sent: string[] = [];
    const batch = new AckBatch(pino({ level: 'silent' }));
    batch.ack(msg(sent, 'a'));
    batch.ack(msg(sent, 'bad', true));
    batch.ack(msg(sent, 'c'));
    batch.flush();
    expect(sent).toEqual(['a', 'c']);
    batch.flush();
    expect(sent).toEqual(['a', 'c']);
  });
});
