import { type StreamState } from '@nats-io/jetstream';
import { startSequenceAt } from './start-sequence-at';
import { type ReadMessage, type StreamReader } from './stream-reader';

/** A stream held in memory: sequence → store time in ms; missing sequences are deleted. */
function fakeStream(times: Record<number, number>): {
  reader: StreamReader;
  state: StreamState;
  reads: () => number;
} {
  const seqs = Object.keys(times)
    .map(Number)
    .sort((a, b) => a - b);
  let reads = 0;
  const next = (seq: number): Promise<ReadMessage | null> => {
    reads++;
    const found = seqs.find((s) => s >= seq);
    return Promise.resolve(
      found === undefined
        ? null
        : {
            seq: found,
            subject: 's',
            time: new Date(times[found] ?? 0).toISOString(),
            data: new Uint8Array(),
            headers: [],
          },
    );
  };
  const state = {
    messages: seqs.length,
    first_seq: seqs[0] ?? 1,
    last_seq: seqs.at(-1) ?? 0,
  } as StreamState;
  return { reader: { next } as unknown as StreamReader, state, reads: () => reads };
}

describe('startSequenceAt', () => {
  const stream = fakeStream({ 3: 100, 4: 100, 5: 200, 9: 300, 10: 300, 20: 400 });

  it.each([
    [0, 3],
    [100, 3],
    [101, 5],
    [200, 5],
    [201, 9],
    [300, 9],
    [399, 20],
    [400, 20],
  ])('from %i ms starts at sequence %i: the first message stored at or after it', async (ms, seq) => {
    expect(await startSequenceAt(stream.reader, stream.state, new Date(ms))).toBe(seq);
  });

  it('is null after the last message and for an empty stream', async () => {
    expect(await startSequenceAt(stream.reader, stream.state, new Date(401))).toBeNull();
    const empty = fakeStream({});
    expect(await startSequenceAt(empty.reader, empty.state, new Date(0))).toBeNull();
  });

  it('needs about log2 of the sequence range in reads, whatever lies deleted between', async () => {
    const times: Record<number, number> = {};
    // A million sequences, every other one deleted, one message per millisecond.
    for (let seq = 1; seq <= 1_000_000; seq += 2) times[seq] = seq;
    const big = fakeStream(times);
    expect(await startSequenceAt(big.reader, big.state, new Date(700_000))).toBe(700_001);
    expect(big.reads()).toBeLessThanOrEqual(23);
  });
});
