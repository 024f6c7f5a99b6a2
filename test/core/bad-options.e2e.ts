import { Injectable } from '@nestjs/common';
import {
  ConnectionError,
  JetbusConfigError,
  JetbusConnection,
  JetbusServer,
  JobHandler,
  NoStreamForSubjectError,
  type JetbusModuleOptions,
} from '@jetbus/core';
import { NatsServer, freePort } from '@jetbus/testing';
import { failure } from '../support/failure';
import { startJetbusApp } from '../support/jetbus-app';

@Injectable()
class NegativeConcurrency {
  @JobHandler('bad.concurrency', { concurrency: -1 })
  handle(): void {}
}

@Injectable()
class MisspelledOption {
  @JobHandler('bad.typo', { concurency: 4 } as never)
  handle(): void {}
}

@Injectable()
class UnknownSubject {
  @JobHandler('nobody.captures.this')
  handle(): void {}
}

@Injectable()
class PrioritiesAndFairness {
  // Refused by the type too: this is what a cast (or plain JavaScript) gets at startup.
  @JobHandler('bad.lanes', { priorities: true, fairness: true } as never)
  handle(): void {}
}

describe('bad options fail at startup, naming the option', () => {
  let server: NatsServer;
  let base: JetbusModuleOptions;

  beforeAll(async () => {
    server = await NatsServer.start();
    base = {
      servers: server.url,
      name: 'bad',
      logger: false,
      streams: [{ name: 'BAD', subjects: ['bad.>'] }],
    };
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('no servers', async () => {
    const e = await failure(startJetbusApp({ ...base, servers: [] }, []));
    expect(e).toBeInstanceOf(JetbusConfigError);
    expect(e).toMatchObject({ option: 'servers' });
  });

  it('unknown retention', async () => {
    const e = await failure(
      startJetbusApp({ ...base, streams: [{ name: 'X', subjects: ['x'], retention: 'fifo' as never }] }, []),
    );
    expect(e).toMatchObject({ option: 'streams[0].retention' });
    expect(e.message).toContain('must be one of limits | workqueue | interest, got "fifo"');
  });

  it('a misspelled module option, with a did-you-mean', async () => {
    const e = await failure(startJetbusApp({ ...base, streamz: [] } as never, []));
    expect(e).toBeInstanceOf(JetbusConfigError);
    expect(e).toMatchObject({ option: 'streamz' });
    expect(e.message).toContain('did you mean "streams"?');
  });

  it('a misspelled handler option, before anything is created on the server', async () => {
    const app = await startJetbusApp(base, [MisspelledOption], { start: false });
    try {
      const e = await failure(app.get(JetbusServer).start());
      expect(e).toBeInstanceOf(JetbusConfigError);
      expect(e).toMatchObject({ option: '@JobHandler("bad.typo") on MisspelledOption.handle.concurency' });
      expect(e.message).toContain('did you mean "concurrency"?');
    } finally {
      await app.close();
    }
  });

  it('negative concurrency on a handler', async () => {
    const app = await startJetbusApp(base, [NegativeConcurrency], { start: false });
    try {
      const e = await failure(app.get(JetbusServer).start());
      expect(e).toBeInstanceOf(JetbusConfigError);
      expect(e).toMatchObject({
        option: '@JobHandler("bad.concurrency") on NegativeConcurrency.handle.concurrency',
      });
      expect(e.message).toContain('must be a positive integer, got -1');
    } finally {
      await app.close();
    }
  });

  it('priorities and fairness on one handler, before anything is created on the server', async () => {
    const app = await startJetbusApp(base, [PrioritiesAndFairness], { start: false });
    try {
      const e = await failure(app.get(JetbusServer).start());
      expect(e).toBeInstanceOf(JetbusConfigError);
      expect(e).toMatchObject({
        option: '@JobHandler("bad.lanes") on PrioritiesAndFairness.handle.fairness',
      });
      expect(e.message).toContain('a lane is a priority or a group, not both; choose one');
      const consumers = await app.get(JetbusConnection).jsm.consumers.list('BAD').next();
      expect(consumers.map((c) => c.name).filter((n) => n.includes('lanes'))).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('a handler subject that no stream captures', async () => {
    const app = await startJetbusApp(base, [UnknownSubject], { start: false });
    try {
      const e = await failure(app.get(JetbusServer).start());
      expect(e).toBeInstanceOf(NoStreamForSubjectError);
      expect(e.message).toContain('"nobody.captures.this"');
    } finally {
      await app.close();
    }
  });

  it('an unreachable server', async () => {
    const port = await freePort();
    const e = await failure(
      startJetbusApp({ ...base, servers: `nats://127.0.0.1:${port}`, connectTimeout: 500 }, []),
    );
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.message).toContain(`127.0.0.1:${port}`);
  });

  it('an unreadable creds file', async () => {
    const e = await failure(startJetbusApp({ ...base, credsFile: '/nonexistent/user.creds' }, []));
    expect(e).toMatchObject({ option: 'credsFile' });
  });
});
