import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type AuditActor } from '../audit/audit.service';
import { Actor } from '../auth/actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { CreateStreamDto } from './dto/create-stream.dto';
import { DeleteStreamQuery } from './dto/delete-stream-query.dto';
import { DeletedDto } from './dto/deleted.dto';
import { PurgeResultDto } from './dto/purge-result.dto';
import { PurgeStreamDto } from './dto/purge-stream.dto';
import { StreamDetailDto } from './dto/stream-detail.dto';
import { StreamParams } from './dto/stream-params.dto';
import { StreamListDto } from './dto/stream-summary.dto';
import { UpdateStreamDto } from './dto/update-stream.dto';
import { StreamsService } from './streams.service';

@ApiTags('streams')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiUnauthorizedResponse({ description: 'not signed in' })
@ApiForbiddenResponse({ description: 'role too low' })
@Controller('api/streams')
export class StreamsController {
  constructor(private readonly streams: StreamsService) {}

  @Get()
  @ApiOperation({ summary: 'Every stream with its figures' })
  @ApiOkResponse({ type: StreamListDto })
  async list(): Promise<StreamListDto> {
    return { streams: await this.streams.list() };
  }

  @Get(':name')
  @ApiOperation({ summary: "A stream's configuration and state" })
  @ApiOkResponse({ type: StreamDetailDto })
  @ApiBadRequestResponse({ description: 'not a stream name' })
  @ApiNotFoundResponse({ description: 'no such stream' })
  get(@Param() { name }: StreamParams): Promise<StreamDetailDto> {
    return this.streams.get(name);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a stream (audited: stream.create)' })
  @ApiCreatedResponse({ type: StreamDetailDto })
  @ApiBadRequestResponse({ description: 'invalid configuration (the server says why)' })
  @ApiConflictResponse({
    description: 'the stream exists with another configuration, or its subjects overlap',
  })
  create(@Actor() actor: AuditActor, @Body() dto: CreateStreamDto): Promise<StreamDetailDto> {
    return this.streams.create(actor, dto);
  }

  @Patch(':name')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change some settings of a stream (audited: stream.update, with before and after)',
  })
  @ApiOkResponse({ type: StreamDetailDto })
  @ApiBadRequestResponse({ description: 'no field, a bad field, or a change the server refuses' })
  @ApiNotFoundResponse({ description: 'no such stream' })
  @ApiConflictResponse({ description: 'the audit stream' })
  update(
    @Actor() actor: AuditActor,
    @Param() { name }: StreamParams,
    @Body() dto: UpdateStreamDto,
  ): Promise<StreamDetailDto> {
    return this.streams.update(actor, name, dto);
  }

  @Post(':name/purge')
  @Roles('admin')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Remove messages, all or by subject, optionally keeping the newest (audited: stream.purge)',
  })
  @ApiOkResponse({ type: PurgeResultDto })
  @ApiBadRequestResponse({ description: 'a bad subject or keep' })
  @ApiNotFoundResponse({ description: 'no such stream' })
  @ApiConflictResponse({ description: 'the audit stream' })
  purge(
    @Actor() actor: AuditActor,
    @Param() { name }: StreamParams,
    @Body() dto: PurgeStreamDto,
  ): Promise<PurgeResultDto> {
    return this.streams.purge(actor, name, dto);
  }

  @Delete(':name')
  @Roles('admin')
  @ApiOperation({ summary: 'Delete a stream and its messages (audited: stream.delete)' })
  @ApiOkResponse({ type: DeletedDto })
  @ApiBadRequestResponse({ description: 'the dead-letter stream without ?confirm=<its name>' })
  @ApiNotFoundResponse({ description: 'no such stream' })
  @ApiConflictResponse({ description: 'the audit stream' })
  delete(
    @Actor() actor: AuditActor,
    @Param() { name }: StreamParams,
    @Query() { confirm }: DeleteStreamQuery,
  ): Promise<DeletedDto> {
    return this.streams.delete(actor, name, confirm);
  }
}
