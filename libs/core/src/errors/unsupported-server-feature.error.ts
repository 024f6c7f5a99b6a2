import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * A feature needs a newer nats-server. Older servers silently ignore config they do not know (2.9
 * treats two filter subjects as "all subjects"), so jetbus refuses instead of trusting them.
 */
export class UnsupportedServerFeatureError extends JetbusError {
  constructor(
    readonly feature: string,
    readonly required: string,
    readonly actual: string,
  ) {
    super(
      JetbusErrorCodes.UnsupportedServerFeature,
      `${feature} needs nats-server ${required} or newer; connected server is ${actual}`,
    );
  }
}
