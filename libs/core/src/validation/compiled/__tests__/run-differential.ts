import 'reflect-metadata';
import { isDeepStrictEqual, inspect } from 'node:util';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, validate } from 'class-validator';
import { compileValidation } from '../compile-validation';
import { type DtoClass } from '../dto-class';
import { CORPUS } from './differential-corpus';
import { generatePayload, seededRandom } from './payload-generator';

export interface DifferentialReport {
  compared: number;
  seed: number;
  /** The first few differences, printed (empty when class-validator and the compiled path agree). */
  differences: string[];
  differenceCount: number;
  /** Classes that did not compile (the comparison would then be class-validator against itself). */
  notCompiled: string[];
  perDto: Record<string, { accepted: number; rejected: number; builtDirectly: number }>;
  millis: number;
}

/**
 * A thenable payload (publish side only) makes plainToInstance return a Promise, which both sides
 * then validate as an unknown value; two Promises compare by both being Promises.
 */
const sameInstance = (a: unknown, b: unknown): boolean =>
  a instanceof Promise ? b instanceof Promise : isDeepStrictEqual(a, b);
const comparable = (errors: ValidationError[] | undefined): unknown =>
  errors?.map((e) => (e.target instanceof Promise ? { ...e, target: 'a Promise' } : e));

/**
 * The differential test: class-validator (plainToInstance + validate with jetbus's options) and the
 * compiled path (direct instantiation where it applies + compiled validator) on the same seeded
 * payloads must give deep-equal instances (prototype, own properties, defaults) and deep-equal
 * violation lists (property, value, target, constraint keys and messages, children, order).
 */
export async function runDifferential(payloads: number, seed: number): Promise<DifferentialReport> {
  const started = Date.now();
  const compiled = new Map(CORPUS.map((dto) => [dto as DtoClass, compileValidation(dto)]));
  const notCompiled = CORPUS.filter((dto) => !compiled.get(dto)!.validate).map((dto) => dto.name);
  const perDto: DifferentialReport['perDto'] = Object.fromEntries(
    CORPUS.map((dto) => [dto.name, { accepted: 0, rejected: 0, builtDirectly: 0 }]),
  );
  const differences: string[] = [];
  let differenceCount = 0;
  const random = seededRandom(seed);
  for (let i = 0; i < payloads; i++) {
    const dto = CORPUS[i % CORPUS.length] as new () => object;
    const payload = generatePayload(random, dto.name);
    const expectedInstance = plainToInstance(dto, payload) as object;
    const expected = await validate(expectedInstance, { forbidUnknownValues: true });

    const c = compiled.get(dto)!;
    const direct = c.instantiate?.(payload);
    const instance = direct ?? (plainToInstance(dto, payload) as object);
    const actual = c.validate?.(instance);

    const stats = perDto[dto.name];
    if (expected.length) stats.rejected++;
    else stats.accepted++;
    if (direct) stats.builtDirectly++;
    if (
      !sameInstance(instance, expectedInstance) ||
      !isDeepStrictEqual(comparable(actual), comparable(expected))
    ) {
      differenceCount++;
      if (differences.length < 3) {
        differences.push(
          inspect({ dto: dto.name, payload, expectedInstance, instance, expected, actual }, { depth: 8 }),
        );
      }
    }
  }
  return {
    compared: payloads,
    seed,
    differences,
    differenceCount,
    notCompiled,
    perDto,
    millis: Date.now() - started,
  };
}

// Larger runs: node -r ./scripts/register-ts.js libs/core/src/validation/compiled/__tests__/run-differential.ts 2000000 7
if (require.main === module) {
  const [payloads = '100000', seed = '20261130'] = process.argv.slice(2);
  void runDifferential(Number(payloads), Number(seed)).then((report) => {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.exitCode = report.differenceCount === 0 && report.notCompiled.length === 0 ? 0 : 1;
  });
}
