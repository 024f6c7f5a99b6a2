import {
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamUpdateConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { parseDuration } from '@jetbus/core';
import { type CreateStreamDto } from './dto/create-stream.dto';
import { type UpdateStreamDto } from './dto/update-stream.dto';

const RETENTION = {
  limits: RetentionPolicy.Limits,
  interest: RetentionPolicy.Interest,
  workqueue: RetentionPolicy.Workqueue,
} as const;
const STORAGE = { file: StorageType.File, memory: StorageType.Memory } as const;
const DISCARD = { old: DiscardPolicy.Old, new: DiscardPolicy.New } as const;

/**
 * The nats.js config for the fields the caller set; unset fields are left out so the server's
 * defaults (on create) or the current values (on update) apply.
 */
export function toStreamUpdateConfig(
  dto: UpdateStreamDto,
): Partial<StreamUpdateConfig> & Partial<StreamConfig> {
  const config: Partial<StreamUpdateConfig> & Partial<StreamConfig> = {};
  if (dto.subjects !== undefined) config.subjects = dto.subjects;
  if (dto.retention !== undefined) config.retention = RETENTION[dto.retention];
  if (dto.storage !== undefined) config.storage = STORAGE[dto.storage];
  if (dto.replicas !== undefined) config.num_replicas = dto.replicas;
  // JetStream takes durations in nanoseconds.
  if (dto.maxAge !== undefined) config.max_age = nanos(parseDuration(dto.maxAge, 'maxAge'));
  if (dto.maxMsgs !== undefined) config.max_msgs = dto.maxMsgs;
  if (dto.maxBytes !== undefined) config.max_bytes = dto.maxBytes;
  if (dto.maxMsgSize !== undefined) config.max_msg_size = dto.maxMsgSize;
  if (dto.duplicateWindow !== undefined) {
    config.duplicate_window = nanos(parseDuration(dto.duplicateWindow, 'duplicateWindow'));
  }
  if (dto.discard !== undefined) config.discard = DISCARD[dto.discard];
  if (dto.description !== undefined) config.description = dto.description;
  return config;
}

export function toStreamConfig(dto: CreateStreamDto): Partial<StreamConfig> & { name: string } {
  return { ...toStreamUpdateConfig(dto), name: dto.name, subjects: dto.subjects };
}
