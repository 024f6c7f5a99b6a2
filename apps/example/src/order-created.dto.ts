import { Type } from 'class-transformer';
import { ArrayMinSize, IsEmail, IsInt, IsString, Min, ValidateNested } from 'class-validator';

export class OrderLine {
  @IsString()
  sku!: string;

  @IsInt()
  @Min(1)
  qty!: number;
}

/** The `orders.created` event: validated before the handler runs, and before publish in the demo. */
export class OrderCreated {
  @IsString()
  id!: string;

  @IsEmail()
  customerEmail!: string;

  @ValidateNested({ each: true })
  @Type(() => OrderLine)
  @ArrayMinSize(1)
  items!: OrderLine[];
}
