import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  ArrayNotEmpty,
  Equals,
  IsArray,
  IsBoolean,
  IsDate,
  IsDefined,
  IsEmail,
  IsEmpty,
  IsEnum,
  IsIn,
  IsInt,
  IsNegative,
  IsNotEmpty,
  IsNotIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  NotEquals,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';

/*
 * The DTOs the differential test validates both ways. Each one exercises a part of what the
 * compiled path claims to do exactly like class-validator (see compiled-validation.ts).
 */

/** The bench job (bench/contenders/bench-job.dto.ts). */
export class FlatJob {
  @IsString()
  id!: string;

  @IsInt()
  n!: number;

  @IsNumber()
  sentAt!: number;

  @IsString()
  pad!: string;
}

export enum Colour {
  Red = 'red',
  Green = 'green',
}

export enum Level {
  Low = 1,
  High = 2,
}

/** Types, ranges, strings and formats, with options. */
export class Ranges {
  @IsBoolean()
  flag!: boolean;

  @IsEnum(Colour)
  colour!: Colour;

  @IsEnum(Level)
  level!: Level;

  @IsIn(['a', 'b', 3])
  pick!: string | number;

  @IsInt()
  @Min(1)
  @Max(10)
  score!: number;

  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @IsPositive()
  price!: number;

  @IsString()
  @MinLength(2)
  @MaxLength(6)
  code!: string;

  @Length(1, 3)
  short!: string;

  @IsNotEmpty()
  label!: string;

  @IsEmail()
  email!: string;

  @Matches(/^[a-z]+-\d+$/)
  slug!: string;

  @Matches('^x', 'i')
  startsWithX!: string;

  @IsUUID('4')
  ref!: string;

  @IsDate()
  when!: Date;
}

/** Optional, conditional, defined, allowed, per-decorator validateIf, defaults from initialisers. */
export class Conditional {
  @IsOptional()
  @IsString()
  note?: string;

  @IsIn(['a', 'b'])
  kind!: string;

  @ValidateIf((o: Conditional) => o.kind === 'a')
  @IsInt()
  @Min(0)
  amount?: number;

  @IsDefined()
  @IsString()
  must!: string;

  @Allow()
  anything?: unknown;

  @IsInt({ validateIf: (o: Conditional) => o.kind === 'b' })
  onlyForB?: number;

  @IsOptional()
  @IsInt()
  priority = 5;

  @IsString()
  name = 'unnamed';

  describe(): string {
    return `${this.kind}:${this.name}`;
  }
}

/** Custom messages: strings with tokens (and `$&`), functions, each-prefixed defaults. */
export class Messages {
  @IsString({ message: '$property of $target must be text, got $value' })
  title!: string;

  @Min(3, { message: '$property must be at least $constraint1 (was $value) $&' })
  count!: number;

  @IsIn(['x', 'y'], {
    message: (a: ValidationArguments) =>
      `${a.property}=${String(a.value)} not in ${String(a.constraints[0])}`,
  })
  choice!: string;

  @IsInt({ each: true, message: 'each $property item must be an int' })
  @ArrayMaxSize(3, { message: () => 'too many' })
  ints!: number[];

  @IsString({ message: '' })
  silent!: string;
}

/** Arrays with `each`. */
export class Arrays {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @IsString({ each: true })
  @MaxLength(3, { each: true })
  tags!: string[];

  @IsOptional()
  @IsInt({ each: true })
  @Min(0, { each: true })
  counts?: number[];

  @IsEnum(Colour, { each: true })
  colours!: Colour[];
}

export class Address {
  @IsString()
  @IsNotEmpty()
  street!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  number?: number;
}

export class Item {
  @IsString()
  sku!: string;

  @IsInt()
  @IsPositive()
  qty!: number;
}

/** Nested classes: one object, an array of them, an optional one, and one without @Type. */
export class Order {
  @IsUUID()
  id!: string;

  @ValidateNested()
  @Type(() => Address)
  address!: Address;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => Item)
  items!: Item[];

  @IsOptional()
  @ValidateNested()
  @Type(() => Address)
  billing?: Address;

  @IsOptional()
  @ValidateNested()
  meta?: Record<string, unknown>;
}

/** A recursive DTO. */
export class TreeNode {
  @IsString()
  name!: string;

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => TreeNode)
  children?: TreeNode[];
}

export class BaseEvent {
  @IsString()
  source!: string;

  @IsInt()
  version!: number;
}

/** Inheritance: inherited constraints, an overriding one, and an added one. */
export class DerivedEvent extends BaseEvent {
  @IsInt()
  @Min(2)
  declare version: number;

  @IsOptional()
  @IsBoolean()
  urgent?: boolean;
}

/** The remaining compiled built-ins, and `each` on a Set (publish side). */
export class MoreChecks {
  @IsNotIn(['root', 'admin'])
  user!: string;

  @Equals('v1')
  schema!: string;

  @NotEquals(0)
  divisor!: number;

  @IsNegative()
  delta!: number;

  @IsOptional()
  @IsEmpty()
  reserved?: unknown;

  @IsObject()
  attrs!: object;

  @ArrayNotEmpty()
  @IsString({ each: true })
  ids!: string[];
}

export const CORPUS = [
  FlatJob,
  Ranges,
  Conditional,
  Messages,
  Arrays,
  Order,
  TreeNode,
  DerivedEvent,
  MoreChecks,
] as const;
