import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { type AuditActor } from '../audit/audit.service';
import { Actor } from '../auth/actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { DeadLettersService } from './dead-letters.service';
import { DeadLetterDetailDto } from './dto/dead-letter-detail.dto';
import { DeadLetterPageDto } from './dto/dead-letter-page.dto';
import { DeadLetterSeqParam } from './dto/dead-letter-seq.param';
import { DeadLetterViewQuery } from './dto/dead-letter-view.query';
import { EditReplayDto } from './dto/edit-replay.dto';
import { PurgeDeadLettersDto } from './dto/purge-dead-letters.dto';
import { ReplayDeadLettersDto } from './dto/replay-dead-letters.dto';
import { ReplayIdParam } from './dto/replay-id.param';
import {
  DeletedDto,
  PurgedDto,
  ReplayPlanDto,
  ReplayRunDto,
  ReplayStartedDto,
  ReplayedDto,
} from './dto/replay-run.dto';
import { SearchDeadLettersQuery } from './dto/search-dead-letters.query';

/**
 * Dead letters: search and view need `viewer`; replay, edit-and-replay, delete and purge need
 * `operator` and are audited. Static routes (`replay`, `purge`, `replays/...`) come before `:seq`.
 */
@ApiTags('dead-letters')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiUnauthorizedResponse({ description: 'not signed in' })
@ApiBadRequestResponse({ description: 'a field of the request is invalid (the message names it)' })
@ApiExtraModels(ReplayPlanDto, ReplayStartedDto)
@Controller('api/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @ApiOperation({
    summary: 'Search dead letters',
    description:
      'Newest first unless order=oldest. At most 20,000 entries are examined per request: a page can be short with a `next` cursor, pass it back to continue.',
  })
  @ApiOkResponse({ type: DeadLetterPageDto })
  search(@Query() query: SearchDeadLettersQuery): Promise<DeadLetterPageDto> {
    return this.deadLetters.search(query);
  }

  @Post('replay')
  @Roles('operator')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Replay selected dead letters (seqs and/or filter) in the background, or plan it (dryRun)',
  })
  @ApiAcceptedResponse({
    description: '`{replayId, total}` for a run (poll replays/:replayId); the plan for a dry run',
    schema: { oneOf: [{ $ref: getSchemaPath(ReplayStartedDto) }, { $ref: getSchemaPath(ReplayPlanDto) }] },
  })
  @ApiForbiddenResponse({ description: 'needs the operator role' })
  @ApiTooManyRequestsResponse({
    description:
      'code REPLAY_LIMIT: the caller or the app runs as many bulk replays (or dry runs, counted apart) as bulkReplayLimit allows',
  })
  replayMany(
    @Actor() actor: AuditActor,
    @Body() body: ReplayDeadLettersDto,
  ): Promise<ReplayPlanDto | ReplayStartedDto> {
    return this.deadLetters.replay(actor, body);
  }

  @Get('replays/:replayId')
  @ApiOperation({ summary: 'Progress of a bulk replay' })
  @ApiOkResponse({ type: ReplayRunDto })
  @ApiNotFoundResponse({ description: 'no such replay in this process' })
  replayStatus(@Param() params: ReplayIdParam): ReplayRunDto {
    const run = this.deadLetters.replayStatus(params.replayId);
    if (!run) throw new NotFoundException(`no replay ${params.replayId} (the app keeps the last 100)`);
    return run;
  }

  @Post('purge')
  @Roles('operator')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Delete every dead letter the filter selects (an empty filter needs all: true)' })
  @ApiOkResponse({ type: PurgedDto })
  @ApiForbiddenResponse({ description: 'needs the operator role' })
  purge(@Actor() actor: AuditActor, @Body() body: PurgeDeadLettersDto): Promise<PurgedDto> {
    return this.deadLetters.purge(actor, body);
  }

  @Get(':seq')
  @ApiOperation({ summary: 'One dead letter: error, stack, headers, payload view and its replay history' })
  @ApiOkResponse({ type: DeadLetterDetailDto })
  @ApiNotFoundResponse({ description: 'no dead letter with this sequence' })
  view(
    @Param() params: DeadLetterSeqParam,
    @Query() query: DeadLetterViewQuery,
  ): Promise<DeadLetterDetailDto> {
    return this.deadLetters.view(params.seq, query.format);
  }

  @Post(':seq/replay')
  @Roles('operator')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Replay one dead letter to its original subject; it is deleted after the PubAck' })
  @ApiOkResponse({ type: ReplayedDto })
  @ApiForbiddenResponse({ description: 'needs the operator role' })
  @ApiNotFoundResponse({ description: 'no dead letter with this sequence' })
  @ApiConflictResponse({
    description: 'replay refused: no stream for the subject, a system subject, malformed',
  })
  replayOne(@Actor() actor: AuditActor, @Param() params: DeadLetterSeqParam): Promise<ReplayedDto> {
    return this.deadLetters.replayOne(actor, params.seq);
  }

  @Post(':seq/edit-replay')
  @Roles('operator')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Replay one dead letter with a new payload (same subject, headers and job id)' })
  @ApiOkResponse({ type: ReplayedDto })
  @ApiForbiddenResponse({ description: 'needs the operator role' })
  @ApiNotFoundResponse({ description: 'no dead letter with this sequence' })
  @ApiConflictResponse({
    description: 'replay refused: no stream for the subject, a system subject, malformed',
  })
  editReplay(
    @Actor() actor: AuditActor,
    @Param() params: DeadLetterSeqParam,
    @Body() body: EditReplayDto,
  ): Promise<ReplayedDto> {
    return this.deadLetters.editReplay(actor, params.seq, body);
  }

  @Delete(':seq')
  @Roles('operator')
  @ApiOperation({ summary: 'Delete one dead letter (and its stored payload object)' })
  @ApiOkResponse({ type: DeletedDto })
  @ApiForbiddenResponse({ description: 'needs the operator role' })
  @ApiNotFoundResponse({ description: 'no dead letter with this sequence' })
  delete(@Actor() actor: AuditActor, @Param() params: DeadLetterSeqParam): Promise<DeletedDto> {
    return this.deadLetters.delete(actor, params.seq);
  }
}
