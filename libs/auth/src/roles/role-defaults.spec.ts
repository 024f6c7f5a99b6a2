import { DEAD_LETTER_DEFAULT_STREAM, deadLetterPayloadBucket as corePayloadBucket } from '@jetbus/core';
// Names @jetbus/core does not export from its barrel: they are its internals, but the roles must
// grant exactly them, so this spec holds the two copies together.
import { deadLetterMarksBucket as coreMarksBucket } from '../../../core/src/dead-letter/dead-letter-marks';
import {
  ADVISORY_STREAM,
  reaperDurable as coreReaperDurable,
} from '../../../core/src/options/resolve-module-options';
import { ATTEMPT_LEDGER_BUCKET as CORE_LEDGER } from '../../../core/src/retry/attempt-ledger';
import { completedJobsBucket as coreDoneBucket } from '../../../core/src/server/completed-jobs';
import {
  ATTEMPT_LEDGER_BUCKET,
  DEFAULT_ADVISORY_STREAM,
  DEFAULT_DLQ_STREAM,
  completedJobsBucket,
  deadLetterMarksBucket,
  deadLetterPayloadBucket,
  reaperDurable,
} from './role-defaults';

describe('role defaults name what @jetbus/core uses', () => {
  it.each([
    ['the dead-letter stream', DEFAULT_DLQ_STREAM, DEAD_LETTER_DEFAULT_STREAM],
    ['the advisory stream', DEFAULT_ADVISORY_STREAM, ADVISORY_STREAM],
    ['a reaper durable', reaperDurable('ORDERS'), coreReaperDurable('ORDERS')],
    ['the attempt ledger', ATTEMPT_LEDGER_BUCKET, CORE_LEDGER],
    [
      'a completed-job bucket',
      completedJobsBucket('orders_orders.created'),
      coreDoneBucket('orders_orders.created'),
    ],
    ['the marks bucket', deadLetterMarksBucket('JETBUS_DLQ'), coreMarksBucket('JETBUS_DLQ')],
    [
      'a payload bucket',
      deadLetterPayloadBucket('JETBUS_DLQ', 'ORD.ERS'),
      corePayloadBucket('JETBUS_DLQ', 'ORD.ERS'),
    ],
  ])('%s', (_, auth, core) => {
    expect(auth).toBe(core);
  });
});
