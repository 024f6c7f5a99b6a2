import { JetbusConfigError } from '../errors';
import { checkPublishOptions } from './check-publish-options';

function thrown(fn: () => unknown): JetbusConfigError | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof JetbusConfigError) return e;
    throw e;
  }
  return undefined;
}

describe('checkPublishOptions', () => {
  it('accepts every documented key', () => {
    expect(
      thrown(() =>
        checkPublishOptions({
          msgId: 'm',
          headers: {},
          timeout: '1s',
          expectStream: 'S',
          causedBy: { trace: undefined },
          delay: '5s',
          jobId: 'j',
        }),
      ),
    ).toBeUndefined();
    expect(thrown(() => checkPublishOptions({ deliverAt: new Date(), dto: class {} }))).toBeUndefined();
    expect(thrown(() => checkPublishOptions({ priority: 'high' }))).toBeUndefined();
    expect(thrown(() => checkPublishOptions({ group: 'tenant-a' }))).toBeUndefined();
  });

  // [what, options, exact option path, text the message must contain]
  const rows: [string, unknown, string, string][] = [
    ['typo dealy', { dealy: '5s' }, 'dealy', 'did you mean "delay"?'],
    ['typo deliverat', { deliverat: 1 }, 'deliverat', 'did you mean "deliverAt"?'],
    ['typo jobID', { jobID: 'x' }, 'jobID', 'did you mean "jobId"?'],
    ['typo msgID', { msgID: 'x' }, 'msgID', 'did you mean "msgId"?'],
    ['unrelated key', { urgency: 'high' }, 'urgency', 'the options here are msgId'],
    ['a string', 'fast', 'options', 'got "fast"'],
    ['an array', [], 'options', 'got an array'],
    ['null', null, 'options', 'got null'],
  ];
  it.each(rows)('%s fails naming the option', (_what, options, path, text) => {
    const e = thrown(() => checkPublishOptions(options));
    expect(e).toBeInstanceOf(JetbusConfigError);
    expect(e?.option).toBe(path);
    expect(e?.message).toContain(text);
  });
});
