import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { type PurgeOpts, type StreamInfo } from '@nats-io/jetstream';
import { JetbusConnection } from '@jetbus/core';
import { type AuditActor, AuditService } from '../audit/audit.service';
import { ADMIN_OPTIONS, type ResolvedAdminOptions } from '../options/resolve-admin-options';
import { type CreateStreamDto } from './dto/create-stream.dto';
import { type PurgeStreamDto } from './dto/purge-stream.dto';
import { type StreamDetailDto } from './dto/stream-detail.dto';
import { type StreamSummaryDto } from './dto/stream-summary.dto';
import { type UpdateStreamDto } from './dto/update-stream.dto';
import { toStreamSummary } from './stream-summary';
import { toStreamConfig, toStreamUpdateConfig } from './to-stream-config';

const detail = (info: StreamInfo): StreamDetailDto => ({ config: info.config, state: info.state });

/** Streams as an admin manages them; every change goes through the audit trail. */
@Injectable()
export class StreamsService {
  constructor(
    private readonly connection: JetbusConnection,
    private readonly audit: AuditService,
    @Inject(ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
  ) {}

  async list(): Promise<StreamSummaryDto[]> {
    const streams: StreamSummaryDto[] = [];
    for await (const info of this.connection.jsm.streams.list()) {
      streams.push(toStreamSummary(info, this.options));
    }
    return streams.sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<StreamDetailDto> {
    return detail(await this.connection.jsm.streams.info(name));
  }

  /** Creating an identical stream again succeeds (nats-server is idempotent); another config is a 409. */
  create(actor: AuditActor, dto: CreateStreamDto): Promise<StreamDetailDto> {
    const config = toStreamConfig(dto);
    return this.audit.run(actor, { action: 'stream.create', target: dto.name, after: config }, async () =>
      detail(await this.connection.jsm.streams.add(config)),
    );
  }

  async update(actor: AuditActor, name: string, dto: UpdateStreamDto): Promise<StreamDetailDto> {
    const change = toStreamUpdateConfig(dto);
    if (Object.keys(change).length === 0)
      throw new BadRequestException('nothing to update: set at least one field');
    if (name === this.options.auditStream) return this.refuseAudit(actor, 'stream.update', name, 'updated');
    const before = (await this.connection.jsm.streams.info(name)).config;
    return this.audit.run(
      actor,
      { action: 'stream.update', target: name, before, after: { ...before, ...change } },
      async () => detail(await this.connection.jsm.streams.update(name, change)),
    );
  }

  purge(actor: AuditActor, name: string, dto: PurgeStreamDto): Promise<{ purged: number }> {
    if (name === this.options.auditStream) return this.refuseAudit(actor, 'stream.purge', name, 'purged');
    const filter = dto.subject !== undefined ? { filter: dto.subject } : {};
    const opts: PurgeOpts | undefined =
      dto.keep !== undefined
        ? { ...filter, keep: dto.keep }
        : dto.subject !== undefined
          ? { filter: dto.subject }
          : undefined;
    return this.audit.run(
      actor,
      { action: 'stream.purge', target: name, ...(opts ? { filter: opts } : {}) },
      async () => ({ purged: (await this.connection.jsm.streams.purge(name, opts)).purged }),
      (result) => result,
    );
  }

  /** The dead-letter stream holds jobs no one else has: deleting it needs its name typed again. */
  delete(actor: AuditActor, name: string, confirm: string | undefined): Promise<{ deleted: true }> {
    if (name === this.options.auditStream) return this.refuseAudit(actor, 'stream.delete', name, 'deleted');
    return this.audit.run(actor, { action: 'stream.delete', target: name }, async () => {
      if (name === this.options.deadLetterStream && confirm !== name) {
        throw new BadRequestException(`${name} is the dead-letter stream: add ?confirm=${name} to delete it`);
      }
      await this.connection.jsm.streams.delete(name);
      return { deleted: true as const };
    });
  }

  /**
   * The audit trail is append-only whatever the caller's role; the refused attempt is itself
   * recorded, since trying to erase the trail is what an auditor most wants to see.
   */
  private refuseAudit(actor: AuditActor, action: string, name: string, verb: string): Promise<never> {
    return this.audit.run(actor, { action, target: name }, () =>
      Promise.reject(
        new ConflictException(`${name} is the audit stream: it cannot be ${verb} through the admin app`),
      ),
    );
  }
}
