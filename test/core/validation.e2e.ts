import { Injectable } from '@nestjs/common';
import { IsInt, IsString } from 'class-validator';
import { JobHandler, Payload } from '@jetbus/core';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

class ResizeImage {
  @IsString()
  id!: string;

  @IsInt()
  width!: number;
}

const handled: ResizeImage[] = [];

@Injectable()
class ImageJobs {
  @JobHandler('images.resize', { maxAttempts: 5, backoff: { type: 'fixed', delay: 100 } })
  resize(@Payload() job: ResizeImage): void {
    handled.push(job);
  }
}

describe('payloads that can never succeed', () => {
  const t = useJetbus(
    {
      name: 'img',
      streams: [{ name: 'IMAGES', subjects: ['images.>'] }],
    },
    [ImageJobs],
  );

  it('handles an invalid DTO and malformed JSON exactly once, without retry, logging subject and seq', async () => {
    const js = t.connection.js;
    const invalid = await t.bus.publish('images.resize', { id: 'x', width: 'wide' });
    const malformed = await js.publish('images.resize', new TextEncoder().encode('{"id": "y", width'));
    const good = await t.bus.publish('images.resize', { id: 'z', width: 640 });

    const info = await waitFor('all three settled', async () => {
      const i = await t.connection.jsm.consumers.info('IMAGES', 'img_images-resize');
      return i.ack_floor.stream_seq === good.seq && i.num_ack_pending === 0 ? i : undefined;
    });
    expect(info.delivered.consumer_seq).toBe(3);
    expect(info.num_redelivered).toBe(0);

    // The handler ran only for the valid job, and got a DTO instance.
    expect(handled).toHaveLength(1);
    expect(handled[0]).toBeInstanceOf(ResizeImage);
    expect(handled[0]).toEqual({ id: 'z', width: 640 });

    // Both are dead-lettered concurrently: compare in stream order.
    const dead = t.logs.records
      .filter((r) => r.msg === 'job dead-lettered')
      .sort((a, b) => (a.seq as number) - (b.seq as number));
    expect(dead.map((r) => [r.subject, r.seq, r.reason, r.attempts])).toEqual([
      ['images.resize', invalid.seq, 'validation', 1],
      ['images.resize', malformed.seq, 'decode', 1],
    ]);
    // Expected outcomes: one warning line each, the error without its stack.
    expect(dead.map((r) => r.level)).toEqual([40, 40]);
    expect((dead[0].error as { message: string }).message).toContain(
      'width: width must be an integer number',
    );
    expect(dead[1].error).toEqual({ type: 'DecodeError', message: expect.any(String), code: 'DECODE' });
    expect(t.logs.records.filter((r) => r.msg === 'job failed; will retry')).toHaveLength(0);
  });
});
