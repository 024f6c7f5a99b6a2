import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { JetbusConnection } from '@jetbus/core';

/** A probe that outlasts this is an answer in itself: JetStream is not answering. */
export const JETSTREAM_PROBE_TIMEOUT_MS = 2_000;

/**
 * NATS is healthy when the connection is up and JetStream answers an account-info request in
 * time: a connected client whose server lost its JetStream (meta leader gone, account disabled)
 * cannot serve one page of this app.
 */
@Injectable()
export class NatsHealthIndicator {
  constructor(
    private readonly connection: JetbusConnection,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    if (!this.connection.isConnected) return indicator.down({ message: 'not connected to NATS' });
    let timer: NodeJS.Timeout | undefined;
    try {
      const probe = this.connection.jsm.getAccountInfo();
      probe.catch(() => undefined);
      const account = await Promise.race([
        probe,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error('JetStream did not answer in time')),
            JETSTREAM_PROBE_TIMEOUT_MS,
          );
        }),
      ]);
      return indicator.up({ server: this.connection.serverVersion, streams: account.streams });
    } catch (e) {
      return indicator.down({
        message: `JetStream unreachable: ${e instanceof Error ? e.message : String(e)}`,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
