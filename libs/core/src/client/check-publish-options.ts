import { checkOptions, optionNames } from '../config';
import { type PublishOptions } from './publish.options';

const PUBLISH_OPTIONS = optionNames<PublishOptions>({
  msgId: true,
  headers: true,
  timeout: true,
  dto: true,
  expectStream: true,
  causedBy: true,
  delay: true,
  deliverAt: true,
  jobId: true,
  priority: true,
  group: true,
  encrypt: true,
  unique: true,
});

/**
 * Publish options hold only known keys: a typo such as `dealy` would otherwise publish a delayed
 * job at once. Unknown keys and a non-object fail with a `JetbusConfigError` naming the key.
 */
export function checkPublishOptions(options: unknown): void {
  checkOptions(options, '', PUBLISH_OPTIONS, 'a publish options object');
}
