import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
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
import { PeriodicParams } from './dto/periodic-params.dto';
import { PeriodicListDto, PeriodicPausedDto } from './dto/periodic-view.dto';
import { PeriodicService } from './periodic.service';

@ApiTags('periodic')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiUnauthorizedResponse({ description: 'not signed in' })
@ApiForbiddenResponse({ description: 'role too low' })
@Controller('api/periodic')
export class PeriodicController {
  constructor(private readonly periodic: PeriodicService) {}

  @Get()
  @ApiOperation({
    summary: 'Periodic schedules the workers declared: cron, time zone, paused, last and next tick',
  })
  @ApiOkResponse({ type: PeriodicListDto })
  async list(): Promise<PeriodicListDto> {
    return { schedules: await this.periodic.list() };
  }

  @Post(':name/pause')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({
    summary: 'Pause a schedule on every instance from its next tick (audited: periodic.pause)',
  })
  @ApiOkResponse({ type: PeriodicPausedDto })
  @ApiBadRequestResponse({ description: 'not a schedule name' })
  @ApiNotFoundResponse({ description: 'no worker declared this schedule' })
  pause(@Actor() actor: AuditActor, @Param() { name }: PeriodicParams): Promise<PeriodicPausedDto> {
    return this.periodic.setPaused(actor, name, true);
  }

  @Post(':name/resume')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Resume a paused schedule from its next tick (audited: periodic.resume)' })
  @ApiOkResponse({ type: PeriodicPausedDto })
  @ApiBadRequestResponse({ description: 'not a schedule name' })
  @ApiNotFoundResponse({ description: 'no worker declared this schedule' })
  resume(@Actor() actor: AuditActor, @Param() { name }: PeriodicParams): Promise<PeriodicPausedDto> {
    return this.periodic.setPaused(actor, name, false);
  }
}
