import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { type NatsConnection } from '@nats-io/transport-node';
import { type JetbusClient } from './jetbus.client';

/**
 * `JetbusClient` as a Nest `ClientProxy`, so code written against `ClientProxy.emit()` works on
 * jetbus unchanged. A separate class because `ClientProxy` reserves `publish()` for its own
 * request/response plumbing, a name jetbus needs for PubAck-confirmed publishing.
 */
export class JetbusClientProxy extends ClientProxy {
  constructor(
    private readonly client: JetbusClient,
    private readonly nc: NatsConnection,
  ) {
    super();
  }

  async connect(): Promise<NatsConnection> {
    return this.nc;
  }

  close(): void {
    // The connection belongs to JetbusModule, which closes it on application shutdown.
  }

  unwrap<T>(): T {
    return this.nc as T;
  }

  protected dispatchEvent<T>(packet: ReadPacket): Promise<T> {
    return this.client.publish(packet.pattern as string, packet.data) as Promise<T>;
  }

  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({
      err: 'jetbus carries jobs and events, not request/response: use emit() (or JetbusClient.publish())',
      isDisposed: true,
    });
    return () => undefined;
  }
}
