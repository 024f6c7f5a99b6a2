import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
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
import { CancelledJobDto } from './dto/cancelled-job.dto';
import { ListScheduledQuery } from './dto/list-scheduled.query';
import { ScheduledJobIdParam } from './dto/scheduled-job-id.param';
import { ScheduledPageDto } from './dto/scheduled-page.dto';
import { ScheduledService } from './scheduled.service';

/** Delayed jobs waiting for their due time: listing needs `viewer`; cancel needs `operator` and is audited. */
@ApiTags('scheduled')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiUnauthorizedResponse({ description: 'not signed in' })
@ApiBadRequestResponse({ description: 'a field of the request is invalid (the message names it)' })
@Controller('api/scheduled')
export class ScheduledController {
  constructor(private readonly scheduled: ScheduledService) {}

  @Get()
  @ApiOperation({
    summary: 'List scheduled (delayed) jobs',
    description:
      'Jobs waiting in the scheduling stream, in the order they were scheduled (not by due time), one page at a time: pass `next` back as `cursor`.',
  })
  @ApiOkResponse({ type: ScheduledPageDto })
  list(@Query() query: ListScheduledQuery): Promise<ScheduledPageDto> {
    return this.scheduled.list(query);
  }

  @Post(':jobId/cancel')
  @Roles('operator')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Cancel a scheduled job before its release',
    description:
      'Race-free against the workers releasing it: the job is either cancelled (never released) or, if a worker released it first, the answer is 409.',
  })
  @ApiOkResponse({ type: CancelledJobDto })
  @ApiForbiddenResponse({ description: 'needs the operator role' })
  @ApiNotFoundResponse({ description: 'no such scheduled job (or no scheduling stream)' })
  @ApiConflictResponse({ description: 'a worker released the job before the cancel' })
  cancel(@Actor() actor: AuditActor, @Param() params: ScheduledJobIdParam): Promise<CancelledJobDto> {
    return this.scheduled.cancel(actor, params.jobId);
  }
}
