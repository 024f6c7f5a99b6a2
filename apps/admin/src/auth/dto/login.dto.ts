import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'alice', minLength: 1, maxLength: 64 })
  @IsString()
  @Length(1, 64)
  username!: string;

  /** Bounded so a login cannot make the server hash megabytes. */
  @ApiProperty({ format: 'password', minLength: 1, maxLength: 1024 })
  @IsString()
  @Length(1, 1024)
  password!: string;
}
