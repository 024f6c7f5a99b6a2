import { IsInt, IsNumber, IsString } from 'class-validator';
import { type BenchJob } from '../harness/job';

/** The bench job as a class-validator DTO: what a jetbus user would declare for this payload. */
export class BenchJobDto implements BenchJob {
  @IsString()
  id!: string;

  @IsInt()
  n!: number;

  @IsNumber()
  sentAt!: number;

  @IsString()
  pad!: string;
}
