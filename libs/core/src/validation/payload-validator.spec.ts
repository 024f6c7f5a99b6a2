import 'reflect-metadata';
import * as classTransformer from 'class-transformer';
import { Type } from 'class-transformer';
import * as classValidator from 'class-validator';
import {
  IsInt,
  IsOptional,
  IsString,
  Min,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { InvalidPayloadError } from '../errors';
import { PayloadValidator } from './payload-validator';

class Resize {
  @IsString()
  id!: string;

  @IsInt()
  @Min(1)
  width!: number;

  @IsOptional()
  @IsInt()
  quality = 80;

  label = 'default';

  area(): number {
    return this.width * 2;
  }
}

class Line {
  @IsString()
  sku!: string;

  @IsInt()
  qty = 1;
}

class Basket {
  @IsString()
  id!: string;

  @ValidateNested({ each: true })
  @Type(() => Line)
  lines!: Line[];
}

@ValidatorConstraint({ name: 'even' })
class Even implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'number' && value % 2 === 0;
  }
}

class EvenJob {
  @Validate(Even)
  n!: number;
}

async function rejection(v: PayloadValidator, payload: unknown): Promise<InvalidPayloadError> {
  const e = await v.validate('jobs.x', payload).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(InvalidPayloadError);
  return e as InvalidPayloadError;
}

describe('PayloadValidator with compiled validation', () => {
  afterEach(() => jest.restoreAllMocks());

  it('builds the DTO instance without class-transformer: class, defaults, copied keys', async () => {
    const plainToInstance = jest.spyOn(classTransformer, 'plainToInstance');
    const validate = jest.spyOn(classValidator, 'validate');
    const v = new PayloadValidator(Resize);

    const job = (await v.validate('jobs.x', { id: 'a', width: 3 })) as Resize;
    expect(job).toBeInstanceOf(Resize);
    expect(job.area()).toBe(6);
    // Field initialisers give the defaults for keys the payload leaves out, as with plainToInstance.
    expect({ ...job }).toEqual({ ...new Resize(), id: 'a', width: 3 });
    expect(job.quality).toBe(80);
    expect(job.label).toBe('default');

    const given = (await v.validate('jobs.x', {
      id: 'b',
      width: 2,
      quality: 50,
      label: 'x',
      extra: true,
    })) as Resize;
    expect(given).toMatchObject({ id: 'b', width: 2, quality: 50, label: 'x', extra: true });

    // Keys class-transformer never assigns: a method's name, __proto__ (an own key after JSON.parse).
    const tricky = (await v.validate(
      'jobs.x',
      JSON.parse('{"id":"c","width":1,"area":5,"__proto__":{"x":1}}'),
    )) as Resize;
    expect(tricky.area()).toBe(2);
    expect(Object.getPrototypeOf(tricky)).toBe(Resize.prototype);

    expect(plainToInstance).not.toHaveBeenCalled();
    expect(validate).not.toHaveBeenCalled();
  });

  it('gives the handler the same instance plainToInstance would, including undefined given explicitly', async () => {
    const v = new PayloadValidator(Resize);
    const sparse: unknown[] = [1, 'two', 3];
    delete sparse[1];
    for (const payload of [
      { id: 'a', width: 1, tags: ['x', 'y'] },
      { id: 'a', width: 1, sparse },
      { id: 'a', width: 1 },
      { id: 'a', width: 1, quality: undefined },
      { width: 4, id: 'z', n: null },
    ]) {
      const job = await v.validate('jobs.x', payload);
      const reference = classTransformer.plainToInstance(Resize, payload);
      expect(Object.getPrototypeOf(job)).toBe(Resize.prototype);
      expect(Object.entries(job)).toStrictEqual(Object.entries(reference));
    }
  });

  it('still builds nested instances for @Type DTOs (through class-transformer), validated compiled', async () => {
    const validate = jest.spyOn(classValidator, 'validate');
    const v = new PayloadValidator(Basket);
    const basket = (await v.validate('jobs.x', {
      id: 'b',
      lines: [{ sku: 'a' }, { sku: 'b', qty: 3 }],
    })) as Basket;
    expect(basket).toBeInstanceOf(Basket);
    expect(basket.lines[0]).toBeInstanceOf(Line);
    expect(basket.lines.map((l) => l.qty)).toEqual([1, 3]);
    expect(validate).not.toHaveBeenCalled();
  });

  it.each([
    ['a flat DTO', Resize, [{ id: 1, width: 0 }, { width: 'x' }, { id: 'a', width: 2, quality: 'q' }]],
    [
      'a nested DTO',
      Basket,
      [{ id: 'b', lines: [{ sku: 1 }, 5, null] }, { id: 'b', lines: 'x' }, { lines: [{}] }],
    ],
    ['a DTO left to class-validator', EvenJob, [{ n: 3 }, {}]],
  ])('rejects %s with the same InvalidPayloadError as class-validator', async (_what, dto, payloads) => {
    const compiled = new PayloadValidator(dto as new () => object);
    const reference = new PayloadValidator(dto as new () => object, 'class-validator');
    for (const payload of payloads) {
      const [a, b] = [await rejection(compiled, payload), await rejection(reference, payload)];
      expect(a.message).toBe(b.message);
      expect(a.violations).toEqual(b.violations);
      expect(a.code).toBe('INVALID_PAYLOAD');
    }
  });

  it('uses class-validator for a DTO it cannot compile', async () => {
    const validate = jest.spyOn(classValidator, 'validate');
    const v = new PayloadValidator(EvenJob);
    await expect(v.validate('jobs.x', { n: 2 })).resolves.toBeInstanceOf(EvenJob);
    expect((await rejection(v, { n: 1 })).violations).toEqual([
      { path: 'n', constraints: { even: expect.any(String) } },
    ]);
    expect(validate).toHaveBeenCalledTimes(2);
  });

  it.each([
    [null, 'object'],
    [[1], 'array'],
    ['s', 'string'],
    [3, 'number'],
  ])('rejects a non-object payload %p as before', async (payload, got) => {
    const e = await rejection(new PayloadValidator(Resize), payload);
    expect(e.violations).toEqual([
      { path: '(payload)', constraints: { isObject: `must be a JSON object, got ${got}` } },
    ]);
  });

  it('turns a payload too deep to validate into InvalidPayloadError, not a crash', async () => {
    class TreeNode {
      @IsString()
      name!: string;

      @IsOptional()
      @ValidateNested({ each: true })
      @Type(() => TreeNode)
      children?: TreeNode[];
    }
    let deep: { name: string; children?: unknown[] } = { name: 'leaf' };
    for (let i = 0; i < 200_000; i++) deep = { name: 'n', children: [deep] };
    const e = await rejection(new PayloadValidator(TreeNode), deep);
    expect(e.violations).toEqual([
      {
        path: '(payload)',
        constraints: { validatable: expect.stringMatching(/^cannot be validated: RangeError: /) },
      },
    ]);
  });

  it.each(['compiled', 'class-validator'] as const)(
    'lists the first 100 of 50,000 broken elements, not all of them (%s)',
    async (mode) => {
      // 150 KB: a hostile producer's 1 MB payload holds 250,000 such elements.
      const lines = Array.from({ length: 50_000 }, () => ({ qty: 'x' }));
      const e = await rejection(new PayloadValidator(Basket, mode), { id: 'b', lines });
      expect(e.violations.length).toBe(100);
      expect(e.violations[0]).toEqual({
        path: 'lines.0.sku',
        constraints: { isString: 'sku must be a string' },
      });
      expect(e.violations[99].path).toBe('lines.49.qty');
      expect(e.message.length).toBeLessThan(10_000);
      expect(e.message).toMatch(/lines\.49\.qty: qty must be an integer number; the list stops at 100$/);
    },
  );
});
