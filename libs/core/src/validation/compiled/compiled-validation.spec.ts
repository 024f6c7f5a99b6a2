import 'reflect-metadata';
import { isDeepStrictEqual } from 'node:util';
import { Type, plainToInstance } from 'class-transformer';
import {
  IsInt,
  IsString,
  Validate,
  type ValidationError,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
  registerDecorator,
  validate,
} from 'class-validator';
import { compileValidation } from './compile-validation';
import { CORPUS, FlatJob, Order } from './__tests__/differential-corpus';
import { generatePayload, seededRandom } from './__tests__/payload-generator';

/**
 * The differential test: class-validator (plainToInstance + validate) and the compiled path
 * (direct instantiation where it applies + compiled validator) on the same generated payloads must
 * produce deep-equal instances (prototype, own properties) and deep-equal violation lists
 * (property, value, target, constraint keys and messages, children, order).
 *
 * CI size: 100,000 payloads (~15 s on a loaded 2-core machine). Larger or other seeds:
 *   JETBUS_VALIDATION_DIFF_PAYLOADS=2000000 JETBUS_VALIDATION_DIFF_SEED=7 npx jest <this file>
 */
const PAYLOADS = Number(process.env.JETBUS_VALIDATION_DIFF_PAYLOADS ?? 100_000);
const SEED = Number(process.env.JETBUS_VALIDATION_DIFF_SEED ?? 20261130);

/**
 * A thenable payload (publish side only) makes plainToInstance return a Promise, which both sides
 * then validate as an unknown value. Two Promises never deep-equal under Jest (async-hook symbols),
 * so a Promise compares by being one.
 */
const sameInstance = (a: unknown, b: unknown): boolean =>
  a instanceof Promise ? b instanceof Promise : isDeepStrictEqual(a, b);
const comparable = (errors: ValidationError[] | undefined): unknown =>
  errors?.map((e) => (e.target instanceof Promise ? { ...e, target: 'a Promise' } : e));

describe('compiled validation against class-validator', () => {
  it(`makes the same decisions and violation lists on ${PAYLOADS} seeded payloads`, async () => {
    const compiled = new Map(CORPUS.map((dto) => [dto as Function, compileValidation(dto)]));
    // Every corpus DTO must really compile, or this would compare class-validator with itself.
    for (const [dto, c] of compiled) expect([dto.name, typeof c.validate]).toEqual([dto.name, 'function']);
    expect(CORPUS.filter((dto) => compiled.get(dto)!.instantiate).map((d) => d.name)).toEqual([
      'FlatJob',
      'Ranges',
      'Conditional',
      'Messages',
      'Arrays',
      'DerivedEvent',
    ]);

    const random = seededRandom(SEED);
    const stats = new Map(CORPUS.map((dto) => [dto.name, { accepted: 0, rejected: 0, direct: 0 }]));
    const differences: unknown[] = [];
    let compared = 0;
    for (let i = 0; i < PAYLOADS; i++) {
      const dto = CORPUS[i % CORPUS.length] as new () => object;
      const payload = generatePayload(random, dto.name);
      const expectedInstance = plainToInstance(dto, payload) as object;
      const expected = await validate(expectedInstance, { forbidUnknownValues: true });

      const c = compiled.get(dto)!;
      const direct = c.instantiate?.(payload);
      const instance = direct ?? (plainToInstance(dto, payload) as object);
      const actual = c.validate!(instance);

      compared++;
      const s = stats.get(dto.name)!;
      if (expected.length) s.rejected++;
      else s.accepted++;
      if (direct) s.direct++;
      if (!sameInstance(instance, expectedInstance) || !isDeepStrictEqual(comparable(actual), comparable(expected))) {
        if (differences.length < 3) differences.push({ dto: dto.name, payload, expected, actual, instance });
      }
    }
    // Prints how much was compared, so a CI log shows the test did its work.
    console.log(
      `differential validation: ${compared} payloads compared (seed ${SEED}), ${differences.length ? 'DIFFERENCES' : '0 differences'}\n` +
        [...stats].map(([name, s]) => `  ${name}: ${s.accepted} accepted, ${s.rejected} rejected, ${s.direct} built without class-transformer`).join('\n'),
    );
    expect(differences).toEqual([]);
    expect(compared).toBe(PAYLOADS);
    // Both outcomes are exercised for every DTO (a generator that only produced junk would prove little).
    for (const [name, s] of stats) {
      expect([name, s.accepted > PAYLOADS / CORPUS.length / 20]).toEqual([name, true]);
      expect([name, s.rejected > PAYLOADS / CORPUS.length / 20]).toEqual([name, true]);
    }
  }, 120_000);
});

@ValidatorConstraint({ name: 'even' })
class Even implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'number' && value % 2 === 0;
  }
}

class WithCustomConstraint {
  @Validate(Even)
  n!: number;
}

function IsEvenLike(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isEvenLike',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: { validate: (v: unknown) => typeof v === 'number' && v % 2 === 0 },
    });
}

class WithCustomDecorator {
  @IsEvenLike()
  n!: number;
}

class WithContext {
  @IsInt({ context: { severity: 'high' } })
  n!: number;
}

class CustomChild {
  @Validate(Even)
  n!: number;
}

class ParentOfCustom {
  @ValidateNested()
  @Type(() => CustomChild)
  child!: CustomChild;
}

class PlainChild {
  @IsString()
  s!: string;
}

class ParentChoosingAtRuntime {
  @ValidateNested()
  // The class depends on the payload: only known when a payload is transformed.
  @Type((o) => ((o?.object as { kind?: string } | undefined)?.kind === 'custom' ? CustomChild : PlainChild))
  child!: PlainChild | CustomChild;

  @IsString()
  kind!: string;
}

describe('what compiled validation leaves to class-validator', () => {
  it.each([
    ['a @Validate(ConstraintClass)', WithCustomConstraint],
    ['a registerDecorator() decorator', WithCustomDecorator],
    ['a constraint with a context', WithContext],
    ['a @Type nested class with a custom constraint', ParentOfCustom],
  ])('does not compile a DTO with %s', (_what, dto) => {
    expect(compileValidation(dto as new () => object).validate).toBeUndefined();
  });

  it('hands a payload back (undefined) when it meets a nested class it cannot compile', async () => {
    const c = compileValidation(ParentChoosingAtRuntime);
    expect(c.validate).toBeDefined();
    const plain = plainToInstance(ParentChoosingAtRuntime, { kind: 'plain', child: { s: 1 } });
    expect(c.validate!(plain)).toEqual(await validate(plain, { forbidUnknownValues: true }));
    const custom = plainToInstance(ParentChoosingAtRuntime, { kind: 'custom', child: { n: 1 } });
    expect(custom.child).toBeInstanceOf(CustomChild);
    expect(c.validate!(custom)).toBeUndefined();
  });

  it('builds instances directly only for DTOs without class-transformer metadata', () => {
    expect(compileValidation(FlatJob).instantiate).toBeDefined();
    expect(compileValidation(Order).instantiate).toBeUndefined();
  });
});
