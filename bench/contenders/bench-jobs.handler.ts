import { Injectable, type Type } from '@nestjs/common';
import { JobHandler, type JobHandlerOptions, Payload } from '@jetbus/core';
import { BENCH_SUBJECT } from '../harness/job';
import { JobSink } from '../harness/job-sink';
import { BenchJobDto } from './bench-job.dto';

/**
 * The no-op `@JobHandler`. Its options (concurrency, validation) come from the command line, and a
 * decorator takes its arguments when the class is defined, hence a class per call.
 */
export function benchJobsHandler(options: JobHandlerOptions): Type<object> {
  @Injectable()
  class BenchJobs {
    constructor(private readonly sink: JobSink) {}

    @JobHandler(BENCH_SUBJECT, options)
    async handle(@Payload() job: BenchJobDto): Promise<void> {
      this.sink.record(job);
    }
  }
  return BenchJobs;
}
