/**
 * Measures (does not assert) the admin app's message browser over a stream of 1,000,000 small
 * messages, through the HTTP API as the UI calls it: the first page, a page at sequence 500,000,
 * a subject-filtered page (1 message in 1,000 on that subject), a time-based page (`since` the
 * time of message 700,000), a page that crosses a gap of 100,000 purged sequences, and one
 * message by sequence; each on a plain stream (STREAM.MSG.GET) and, for comparison, the same
 * pages on a copy with `allow_direct` (DIRECT.GET).
 *
 *   node -r ./scripts/register-ts.js bench/admin-browse.ts [--messages 1000000] [--direct]
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { startAdmin, tokenDigest } from '@jetbus/admin';
import { NatsServer } from '@jetbus/testing';

const arg = (name: string): number | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
};
const MESSAGES = arg('--messages') || 1_000_000;
const DIRECT = process.argv.includes('--direct');
/** Every this-many-th message is on `browse.rare` (the subject-filter case). */
const RARE_EVERY = 1_000;
/** Sequences published on `browse.gap`, then purged: an interior gap. */
const GAP_FROM = Math.floor(MESSAGES * 0.3) + 1;
const GAP_TO = GAP_FROM + Math.floor(MESSAGES / 10) - 1;
/** Publishes between two flushes (round trips to the server). */
const WINDOW = 5_000;
const REPEAT = 5;

/**
 * Core NATS publishes into the stream's subjects, a flush (a round trip) after every `WINDOW`:
 * under load nats.js' JetStream publish (a request per message) manages a few thousand a second
 * here, core publishes tens of thousands. Nothing is assumed stored: the fill waits until the
 * stream holds every message, in publish order (one connection), and fails if the count stalls.
 */
async function fill(
  nc: NatsConnection,
  jsm: JetStreamManager,
  stream: string,
  prefix: string,
): Promise<void> {
  for (let i = 1; i <= MESSAGES; i++) {
    const subject =
      i >= GAP_FROM && i <= GAP_TO
        ? `${prefix}.gap`
        : i % RARE_EVERY === 0
          ? `${prefix}.rare`
          : `${prefix}.n${i % 10}`;
    nc.publish(subject, `{"i":${i},"kind":"bench"}`);
    if (i % WINDOW === 0) await nc.flush();
  }
  await nc.flush();
  let stored = -1;
  let stalledSince = performance.now();
  for (;;) {
    const { state } = await jsm.streams.info(stream);
    if (state.messages >= MESSAGES) return;
    if (state.messages !== stored) [stored, stalledSince] = [state.messages, performance.now()];
    else if (performance.now() - stalledSince > 10_000) {
      throw new Error(`${stream} stalled at ${stored} of ${MESSAGES} messages`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Page {
  messages: { seq: number }[];
  next: number | null;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const server = await NatsServer.start();
  const nc = await connect({ servers: server.url });
  const jsm = await jetstreamManager(nc);
  const streams = DIRECT ? ['BROWSE', 'BROWSE_DIRECT'] : ['BROWSE'];
  const fills: string[] = [];
  for (const name of streams) {
    const prefix = name.toLowerCase();
    await jsm.streams.add({ name, subjects: [`${prefix}.>`], allow_direct: name.endsWith('DIRECT') });
    const t0 = performance.now();
    await fill(nc, jsm, name, prefix);
    const fillS = (performance.now() - t0) / 1000;
    const { purged } = await jsm.streams.purge(name, { filter: `${prefix}.gap` });
    const { state } = await jsm.streams.info(name);
    fills.push(
      `${name}: ${MESSAGES.toLocaleString('en')} published in ${fillS.toFixed(1)} s ` +
        `(${Math.round(MESSAGES / fillS).toLocaleString('en')}/s, stored; flush every ${WINDOW}); ` +
        `${purged.toLocaleString('en')} purged (seq ${GAP_FROM}..${GAP_TO}); ` +
        `${state.messages.toLocaleString('en')} kept, ${(state.bytes / 1e6).toFixed(0)} MB`,
    );
  }

  const token = `jbt_bench_${randomBytes(24).toString('base64url')}`;
  const admin = await startAdmin({
    port: 0,
    logger: false,
    nats: { servers: server.url },
    tokens: [{ name: 'bench', role: 'viewer', sha256: tokenDigest(token) }],
    sampleIntervalMs: 3_600_000,
  });
  const get = async (path: string): Promise<{ ms: number; body: Page & { seq?: number } }> => {
    const start = performance.now();
    const res = await fetch(`${admin.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as Page & { seq?: number };
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return { ms: performance.now() - start, body };
  };

  const rows: string[] = [];
  const time = async (label: string, path: string): Promise<void> => {
    await get(path); // warm-up
    const runs: { ms: number; body: Page & { seq?: number } }[] = [];
    for (let i = 0; i < REPEAT; i++) runs.push(await get(path));
    const ms = runs.map((r) => r.ms);
    const { body } = runs[0] ?? { body: { messages: [], next: null } };
    const detail = body.messages
      ? `${body.messages.length} msgs, seq ${body.messages[0]?.seq}..${body.messages.at(-1)?.seq}, next ${body.next}`
      : `seq ${body.seq}`;
    rows.push(
      `${label.padEnd(52)} median ${median(ms).toFixed(1).padStart(7)} ms  (min ${Math.min(...ms).toFixed(1)}, max ${Math.max(...ms).toFixed(1)})  ${detail}`,
    );
  };

  for (const name of streams) {
    const prefix = name.toLowerCase();
    const since = (
      await jsm.streams.getMessage(name, { seq: Math.floor(MESSAGES * 0.7) })
    )?.time.toISOString();
    const base = `/api/streams/${name}/messages`;
    rows.push(`-- ${name}${name.endsWith('DIRECT') ? ' (allow_direct: DIRECT.GET)' : ' (STREAM.MSG.GET)'}`);
    await time('first page (limit 50)', `${base}`);
    await time('first page (limit 200)', `${base}?limit=200`);
    await time(`page at seq ${MESSAGES / 2} (limit 50)`, `${base}?fromSeq=${MESSAGES / 2}`);
    await time(`subject ${prefix}.rare, 1 in ${RARE_EVERY} (limit 50)`, `${base}?subject=${prefix}.rare`);
    await time(
      `subject ${prefix}.rare from seq ${MESSAGES / 2} (limit 50)`,
      `${base}?subject=${prefix}.rare&fromSeq=${MESSAGES / 2}`,
    );
    await time(`since time of seq ${MESSAGES * 0.7} (limit 50)`, `${base}?since=${since}`);
    await time(
      `since time of seq ${MESSAGES * 0.7}, subject .rare (limit 50)`,
      `${base}?since=${since}&subject=${prefix}.rare`,
    );
    await time(
      `across the ${(GAP_TO - GAP_FROM + 1).toLocaleString('en')}-seq gap (limit 50)`,
      `${base}?fromSeq=${GAP_FROM - 25}`,
    );
    await time(`one message, seq ${MESSAGES / 2}`, `${base}/${MESSAGES / 2}`);
  }

  console.log(
    `admin message browser, nats-server ${nc.info?.version}, node ${process.version}; ` +
      `${REPEAT} timed HTTP requests per row after one warm-up`,
  );
  for (const line of fills) console.log(line);
  for (const row of rows) console.log(row);

  await admin.close();
  await nc.close();
  await server.stop();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
