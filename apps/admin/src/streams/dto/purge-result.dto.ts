import { ApiProperty } from '@nestjs/swagger';

export class PurgeResultDto {
  @ApiProperty({ description: 'Messages removed' })
  purged!: number;
}
