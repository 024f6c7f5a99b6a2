import { ApiProperty } from '@nestjs/swagger';

export class ReplayErrorDto {
  @ApiProperty()
  seq!: number;

  @ApiProperty()
  message!: string;
}

export class ReplayStartedDto {
  @ApiProperty({ description: 'Poll GET /api/dead-letters/replays/:replayId' })
  replayId!: string;

  @ApiProperty({ description: 'Dead letters selected' })
  total!: number;
}

/** Progress of a bulk replay, kept in this process until it restarts (the audit trail keeps the outcome). */
export class ReplayRunDto {
  @ApiProperty({ enum: ['running', 'done', 'failed'] })
  state!: 'running' | 'done' | 'failed';

  @ApiProperty()
  total!: number;

  @ApiProperty()
  replayed!: number;

  @ApiProperty({ description: 'Kept: gone meanwhile, malformed, completed or minimal entries' })
  skipped!: number;

  @ApiProperty({ description: 'Kept: the publish or the delete failed' })
  failed!: number;

  @ApiProperty()
  startedAt!: string;

  @ApiProperty({ type: String, nullable: true })
  finishedAt!: string | null;

  @ApiProperty({ type: [ReplayErrorDto], description: 'The first 100 failures and skips, with why' })
  errors!: ReplayErrorDto[];
}

export class PlannedReplayDto {
  @ApiProperty()
  seq!: number;

  @ApiProperty()
  subject!: string;

  @ApiProperty({ description: 'The stream that would store it' })
  stream!: string;
}

/** A dry run: what a replay of the same selection would do now. */
export class ReplayPlanDto {
  @ApiProperty({ enum: [true] })
  dryRun!: true;

  @ApiProperty()
  total!: number;

  @ApiProperty({ type: [PlannedReplayDto], description: 'The first 1,000 that would be replayed' })
  wouldReplay!: PlannedReplayDto[];

  @ApiProperty({ description: 'How many would be replayed' })
  replayable!: number;

  @ApiProperty({ type: [ReplayErrorDto], description: 'The first 1,000 that would be kept, with why' })
  kept!: ReplayErrorDto[];
}

/** A dead letter replayed on its own. */
export class ReplayedDto {
  @ApiProperty()
  seq!: number;

  @ApiProperty()
  subject!: string;

  @ApiProperty({ description: 'Stream that stored the job' })
  stream!: string;

  @ApiProperty({ description: 'Its sequence there' })
  streamSeq!: number;

  @ApiProperty({ description: 'The server already had it (an earlier replay crashed before its delete)' })
  duplicate!: boolean;
}

export class PurgedDto {
  @ApiProperty()
  purged!: number;
}

export class DeletedDto {
  @ApiProperty({ enum: [true] })
  deleted!: true;
}
