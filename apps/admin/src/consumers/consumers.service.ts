import { Injectable } from '@nestjs/common';
import { type ConsumerInfo } from '@nats-io/jetstream';
import { JetbusConnection } from '@jetbus/core';
import { type AuditActor, AuditService } from '../audit/audit.service';
import { consumerDrift } from './consumer-drift';
import { toConsumerView } from './consumer-view';
import { declaredConsumers } from './declared-consumers';
import { type ConsumerDetailDto, type ConsumerViewDto } from './dto/consumer-view.dto';

/** A stream's consumers, compared with what the live workers declare. */
@Injectable()
export class ConsumersService {
  constructor(
    private readonly connection: JetbusConnection,
    private readonly audit: AuditService,
  ) {}

  async list(stream: string): Promise<ConsumerViewDto[]> {
    const { jsm } = this.connection;
    // The stream's existence first: listing a missing stream's consumers would otherwise be empty.
    await jsm.streams.info(stream);
    const infos: ConsumerInfo[] = [];
    for await (const info of jsm.consumers.list(stream)) infos.push(info);
    const declared = await declaredConsumers(jsm);
    return infos.map((info) => this.view(info, declared)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(stream: string, consumer: string): Promise<ConsumerDetailDto> {
    const { jsm } = this.connection;
    const info = await jsm.consumers.info(stream, consumer);
    return { ...this.view(info, await declaredConsumers(jsm)), config: info.config };
  }

  delete(actor: AuditActor, stream: string, consumer: string): Promise<{ deleted: true }> {
    return this.audit.run(actor, { action: 'consumer.delete', target: `${stream}/${consumer}` }, async () => {
      await this.connection.jsm.consumers.delete(stream, consumer);
      return { deleted: true as const };
    });
  }

  private view(info: ConsumerInfo, declared: Map<string, Record<string, unknown>[]>): ConsumerViewDto {
    const declarations = declared.get(`${info.stream_name}/${info.name}`);
    return toConsumerView(info, declarations ? consumerDrift(declarations, info.config) : null);
  }
}
