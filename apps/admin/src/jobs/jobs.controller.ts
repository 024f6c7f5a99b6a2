import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type AuditActor } from '../audit/audit.service';
import { Actor } from '../auth/actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { JobCancelDto } from './dto/job-cancel.dto';
import { JobIdParams } from './dto/job-id-params.dto';
import { JobsService } from './jobs.service';

@ApiTags('jobs')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiUnauthorizedResponse({ description: 'not signed in' })
@ApiForbiddenResponse({ description: 'needs the operator role' })
@ApiBadRequestResponse({ description: 'not a job id' })
@Controller('api/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post(':jobId/cancel')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({
    summary:
      'Cancel a job by id: a scheduled one before its release, else a request that workers with `cancellation` carry out (audited: job.cancel)',
  })
  @ApiOkResponse({ type: JobCancelDto })
  cancel(@Actor() actor: AuditActor, @Param() { jobId }: JobIdParams): Promise<JobCancelDto> {
    return this.jobs.cancel(actor, jobId);
  }
}
