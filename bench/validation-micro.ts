import 'reflect-metadata';
import { isInt, isNumber, isString } from 'class-validator';
import { PayloadValidator } from '../libs/core/src/validation/payload-validator';
import { compileValidation } from '../libs/core/src/validation/compiled';
import { BenchJobDto } from './contenders/bench-job.dto';

/*
 * µs per payload validation for the bench DTO: class-validator (plainToInstance + validate) against
 * the compiled path, both through PayloadValidator.validate as the consumer calls it, on payloads
 * decoded from JSON beforehand (decoding is the same for both and not measured).
 *
 *   node -r ./scripts/register-ts.js bench/validation-micro.ts [iterations=200000] [rounds=5]
 *
 * Also measured: the compiled validator alone, and a hand-written specialised function for this DTO
 * (what generated code, `new Function`, could at best produce) to show whether code generation
 * would pay over composed closures.
 */
const iterations = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 5);

const payloads = Array.from({ length: 1024 }, (_, i) =>
  JSON.parse(JSON.stringify({ id: `job-${i}`, n: i, sentAt: 1764500000000 + i, pad: 'x'.repeat(40) })),
) as object[];

const classValidator = new PayloadValidator(BenchJobDto, 'class-validator');
const compiled = new PayloadValidator(BenchJobDto);
const parts = compileValidation(BenchJobDto);
const numberOptions = {};
const handWritten = (o: Record<string, unknown>): boolean =>
  isString(o.id) && isInt(o.n) && isNumber(o.sentAt, numberOptions) && isString(o.pad);

async function timeAsync(fn: (p: object) => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn(payloads[i & 1023]);
  return Number(process.hrtime.bigint() - started) / 1000 / iterations;
}

function timeSync(fn: (p: object) => unknown): number {
  const started = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < iterations; i++) if (fn(payloads[i & 1023])) sink++;
  if (sink !== iterations) throw new Error('a bench payload was rejected');
  return Number(process.hrtime.bigint() - started) / 1000 / iterations;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const cases: [string, () => Promise<number> | number][] = [
    [
      'class-validator: plainToInstance + validate',
      () => timeAsync((p) => classValidator.validate('bench', p)),
    ],
    ['compiled: PayloadValidator.validate', () => timeAsync((p) => compiled.validate('bench', p))],
    [
      'compiled parts only: direct instantiation + closures (sync)',
      () => timeSync((p) => parts.validate!(parts.instantiate!(p)!)?.length === 0),
    ],
    [
      'hand-written specialised check + direct instantiation (codegen ceiling)',
      () => timeSync((p) => handWritten(parts.instantiate!(p)! as Record<string, unknown>)),
    ],
  ];
  const results: Record<string, number[]> = {};
  for (let r = 0; r < rounds + 1; r++) {
    for (const [name, run] of cases) {
      const us = await run();
      if (r > 0) (results[name] ??= []).push(us); // round 0 warms the JIT
    }
  }
  console.log(
    `BenchJobDto (4 fields), ${iterations} validations x ${rounds} rounds, median µs per validation:`,
  );
  for (const [name, xs] of Object.entries(results))
    console.log(`  ${median(xs).toFixed(3).padStart(8)} µs  ${name}`);
  const [cv, c] = [median(results[cases[0][0]]), median(results[cases[1][0]])];
  console.log(`  compiled path is ${(cv / c).toFixed(1)}x faster than class-validator`);
}

void main();
