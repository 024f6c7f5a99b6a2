import { ApiProperty } from '@nestjs/swagger';

/** One row of `GET /api/streams`. */
export class StreamSummaryDto {
  @ApiProperty()
  name!: string;

  @ApiProperty({ type: [String] })
  subjects!: string[];

  @ApiProperty({ enum: ['limits', 'interest', 'workqueue'] })
  retention!: string;

  @ApiProperty({ enum: ['file', 'memory'] })
  storage!: string;

  @ApiProperty()
  replicas!: number;

  @ApiProperty()
  messages!: number;

  @ApiProperty()
  bytes!: number;

  @ApiProperty()
  firstSeq!: number;

  @ApiProperty()
  lastSeq!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'ISO time of the first message; null when empty',
  })
  firstTime!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'ISO time of the last message; null when empty' })
  lastTime!: string | null;

  @ApiProperty({ description: 'Number of consumers' })
  consumers!: number;

  @ApiProperty({ description: 'ISO time the stream was created' })
  created!: string;

  @ApiProperty({ description: "Whether it is the app's dead-letter stream" })
  deadLetter!: boolean;

  @ApiProperty({
    description: "Whether it is the app's audit stream (never purged, updated or deleted here)",
  })
  audit!: boolean;
}

export class StreamListDto {
  @ApiProperty({ type: [StreamSummaryDto] })
  streams!: StreamSummaryDto[];
}
