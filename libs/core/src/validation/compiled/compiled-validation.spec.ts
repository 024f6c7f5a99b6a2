import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Type, plainToInstance } from 'class-transformer';
import {
  IsInt,
  IsString,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
  registerDecorator,
  validate,
} from 'class-validator';
import { compileValidation } from './compile-validation';
import { FlatJob, Order } from './__tests__/differential-corpus';
import { type DifferentialReport } from './__tests__/run-differential';

const execFileAsync = promisify(execFile);
const root = join(__dirname, '../../../../..');

/*
 * The differential test runs in its own plain Node process: under Jest's sandboxed globals the same
 * loop is 2-3x slower, and the CI budget is 30 s. Size for CI: 100,000 payloads, ~11 s on a loaded
 * 2-core machine. Larger runs or other seeds: JETBUS_VALIDATION_DIFF_PAYLOADS / _SEED, or run
 * __tests__/run-differential.ts directly (see there).
 */
const PAYLOADS = Number(process.env.JETBUS_VALIDATION_DIFF_PAYLOADS ?? 100_000);
const SEED = Number(process.env.JETBUS_VALIDATION_DIFF_SEED ?? 20261130);

describe('compiled validation against class-validator', () => {
  it(`makes the same decisions and violation lists on ${PAYLOADS} seeded payloads`, async () => {
    const { stdout } = await execFileAsync(
      process.execPath,
      [
        '-r',
        './scripts/register-ts.js',
        join(__dirname, '__tests__/run-differential.ts'),
        `${PAYLOADS}`,
        `${SEED}`,
      ],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
    ).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr }));
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as DifferentialReport;
    // Prints how much was compared, so a CI log shows the test did its work.
    console.log(
      `differential validation: ${report.compared} payloads compared (seed ${report.seed}) in ${report.millis} ms, ${report.differenceCount} differences\n` +
        Object.entries(report.perDto)
          .map(
            ([name, s]) =>
              `  ${name}: ${s.accepted} accepted, ${s.rejected} rejected, ${s.builtDirectly} built without class-transformer`,
          )
          .join('\n'),
    );
    // Every corpus DTO really compiles, or this would compare class-validator with itself.
    expect(report.notCompiled).toEqual([]);
    expect(report.differences).toEqual([]);
    expect(report.differenceCount).toBe(0);
    expect(report.compared).toBe(PAYLOADS);
    // Both outcomes occur for every DTO (a generator that only produced junk would prove little),
    // and the direct instantiation path is exercised.
    const perDto = PAYLOADS / Object.keys(report.perDto).length;
    for (const [name, s] of Object.entries(report.perDto)) {
      expect([name, s.accepted > perDto / 20, s.rejected > perDto / 20]).toEqual([name, true, true]);
    }
    expect(report.perDto.FlatJob.builtDirectly).toBeGreaterThan(perDto / 2);
    expect(report.perDto.Order.builtDirectly).toBe(0);
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
