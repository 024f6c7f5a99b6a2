import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { JetbusConnection } from '../connection/jetbus.connection';

/** Closes the connection last: consumers drained in `beforeApplicationShutdown` already. */
@Injectable()
export class JetbusLifecycle implements OnApplicationShutdown {
  constructor(private readonly connection: JetbusConnection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
