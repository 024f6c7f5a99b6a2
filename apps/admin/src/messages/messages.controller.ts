import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCookieAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { StreamParams } from '../streams/dto/stream-params.dto';
import { ListMessagesQuery } from './dto/list-messages-query.dto';
import { MessageFormatQuery } from './dto/message-format-query.dto';
import { MessageParams } from './dto/message-params.dto';
import { MessagePageDto, MessageViewDto } from './dto/message-view.dto';
import { MessagesService } from './messages.service';

@ApiTags('messages')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiUnauthorizedResponse({ description: 'not signed in' })
@ApiBadRequestResponse({ description: 'invalid parameter' })
@ApiNotFoundResponse({ description: 'no such stream (or message)' })
@Controller('api/streams/:name/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  @ApiOperation({
    summary: 'A page of stored messages in sequence order, from a sequence or a time, optionally one subject',
  })
  @ApiOkResponse({ type: MessagePageDto })
  list(@Param() { name }: StreamParams, @Query() query: ListMessagesQuery): Promise<MessagePageDto> {
    return this.messages.list(name, query);
  }

  @Get(':seq')
  @ApiOperation({ summary: 'One stored message' })
  @ApiOkResponse({ type: MessageViewDto })
  get(
    @Param() { name, seq }: MessageParams,
    @Query() { format }: MessageFormatQuery,
  ): Promise<MessageViewDto> {
    return this.messages.get(name, seq, format);
  }
}
