import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { JetbusConnection } from '@jetbus/core';
import { type PayloadFormat } from '../payload-view';
import { type ListMessagesQuery, MESSAGES_DEFAULT_LIMIT } from './dto/list-messages-query.dto';
import { type MessagePageDto } from './dto/message-view.dto';
import { type MessageView, toMessageView } from './message-view';
import { startSequenceAt } from './start-sequence-at';
import { StreamReader } from './stream-reader';

/**
 * Characters of payload text one page may carry: each view is cut at 256 KiB, and a page of 200
 * such views would be 50 MB, so a page stops early (its `next` says where to go on) past this.
 */
const PAGE_TEXT_BUDGET = 8 * 1024 * 1024;

/** The message browser: pages of a stream by sequence, subject or time, one message read at a time. */
@Injectable()
export class MessagesService {
  constructor(private readonly connection: JetbusConnection) {}

  async list(stream: string, query: ListMessagesQuery): Promise<MessagePageDto> {
    const { fromSeq, toSeq, since, subject } = query;
    if (fromSeq !== undefined && toSeq !== undefined && fromSeq > toSeq) {
      throw new BadRequestException('fromSeq must not be greater than toSeq');
    }
    const { jsm } = this.connection;
    const info = await jsm.streams.info(stream);
    const reader = new StreamReader(jsm, stream, info.config.allow_direct === true);
    const limit = query.limit ?? MESSAGES_DEFAULT_LIMIT;
    const format = query.format ?? 'json';
    let seq = Math.max(fromSeq ?? 1, info.state.first_seq, 1);
    if (since !== undefined) {
      const start = await startSequenceAt(reader, info.state, new Date(since));
      if (start === null) return { messages: [], next: null };
      seq = Math.max(seq, start);
    }
    const last = toSeq ?? Number.POSITIVE_INFINITY;
    const messages: MessageView[] = [];
    let text = 0;
    while (seq <= last) {
      const msg = await reader.next(seq, subject ?? '>');
      if (!msg || msg.seq > last) break;
      // The following message is read anyway: `next` then names a message that exists, not a guess.
      if (messages.length === limit || text >= PAGE_TEXT_BUDGET) return { messages, next: msg.seq };
      const view = toMessageView(msg, format);
      messages.push(view);
      text += view.payload.text.length;
      seq = msg.seq + 1;
    }
    return { messages, next: null };
  }

  async get(stream: string, seq: number, format: PayloadFormat = 'json'): Promise<MessageView> {
    const { jsm } = this.connection;
    const info = await jsm.streams.info(stream);
    const msg = await new StreamReader(jsm, stream, info.config.allow_direct === true).at(seq);
    if (!msg) throw new NotFoundException(`message ${seq} is not stored in stream ${stream}`);
    return toMessageView(msg, format);
  }
}
