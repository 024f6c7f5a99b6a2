import { Controller, Delete, Get, Param } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCookieAuth,
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
import { DeletedDto } from '../streams/dto/deleted.dto';
import { StreamParams } from '../streams/dto/stream-params.dto';
import { ConsumersService } from './consumers.service';
import { ConsumerParams } from './dto/consumer-params.dto';
import { ConsumerDetailDto, ConsumerListDto } from './dto/consumer-view.dto';

@ApiTags('consumers')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiUnauthorizedResponse({ description: 'not signed in' })
@ApiForbiddenResponse({ description: 'role too low' })
@ApiBadRequestResponse({ description: 'not a stream or consumer name' })
@ApiNotFoundResponse({ description: 'no such stream or consumer' })
@Controller('api/streams/:name/consumers')
export class ConsumersController {
  constructor(private readonly consumers: ConsumersService) {}

  @Get()
  @ApiOperation({ summary: "A stream's consumers with their figures and drift from what workers declare" })
  @ApiOkResponse({ type: ConsumerListDto })
  async list(@Param() { name }: StreamParams): Promise<ConsumerListDto> {
    return { consumers: await this.consumers.list(name) };
  }

  @Get(':consumer')
  @ApiOperation({ summary: 'One consumer, with its full config' })
  @ApiOkResponse({ type: ConsumerDetailDto })
  get(@Param() { name, consumer }: ConsumerParams): Promise<ConsumerDetailDto> {
    return this.consumers.get(name, consumer);
  }

  @Delete(':consumer')
  @Roles('admin')
  @ApiOperation({ summary: 'Delete a consumer (audited: consumer.delete)' })
  @ApiOkResponse({ type: DeletedDto })
  delete(@Actor() actor: AuditActor, @Param() { name, consumer }: ConsumerParams): Promise<DeletedDto> {
    return this.consumers.delete(actor, name, consumer);
  }
}
