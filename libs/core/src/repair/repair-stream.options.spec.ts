import { JetbusConfigError } from '../errors';
import { ADVISORY_STREAM } from '../options/resolve-module-options';
import {
  REPAIR_DEFAULT_ADVISORY_STREAM,
  REPAIR_DEFAULT_BATCH_SIZE,
  parseRepairStreamOptions,
} from './repair-stream.options';

describe('parseRepairStreamOptions', () => {
  it('defaults: a real run, batches of 100, the advisory stream the module creates', () => {
    expect(parseRepairStreamOptions()).toEqual({
      dryRun: false,
      signal: undefined,
      batchSize: REPAIR_DEFAULT_BATCH_SIZE,
      advisoryStream: ADVISORY_STREAM,
    });
    expect(REPAIR_DEFAULT_ADVISORY_STREAM).toBe(ADVISORY_STREAM);
  });
  it('keeps what is given', () => {
    const signal = new AbortController().signal;
    expect(parseRepairStreamOptions({ dryRun: true, signal, batchSize: 1, advisoryStream: 'ADV' })).toEqual({
      dryRun: true,
      signal,
      batchSize: 1,
      advisoryStream: 'ADV',
    });
  });
  it.each([0, -1, 1.5, Number.NaN])('when batchSize is %p: JetbusConfigError naming it', (batchSize) => {
    expect(() => parseRepairStreamOptions({ batchSize })).toThrow(JetbusConfigError);
    expect(() => parseRepairStreamOptions({ batchSize })).toThrow(/"batchSize"/);
  });
  it.each(['', 'A.B', 'ADV*', 'A B'])(
    'when advisoryStream is %p: JetbusConfigError naming it',
    (advisoryStream) => {
      expect(() => parseRepairStreamOptions({ advisoryStream })).toThrow(/"advisoryStream"/);
    },
  );
});
