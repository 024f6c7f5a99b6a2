import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

export class DeleteStreamQuery {
  @ApiPropertyOptional({ description: "The stream's name again: required to delete the dead-letter stream" })
  @IsOptional()
  @IsString()
  confirm?: string;
}
