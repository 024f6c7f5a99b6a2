import { JOB_HANDLER_METADATA } from '../constants';
import { type JobHandlerOptions } from './job-handler.options';

export interface JobHandlerMetadata {
  subject: string;
  options: JobHandlerOptions;
}

/**
 * Marks a method of a provider or controller as the handler of jobs/events on `subject`. It only
 * records metadata; `JetbusServer` finds the method at startup and gives it a durable consumer.
 * Stack it to handle several subjects with one method.
 */
export function JobHandler(subject: string, options: JobHandlerOptions = {}): MethodDecorator {
  return (target, key, descriptor) => {
    const existing: JobHandlerMetadata[] =
      Reflect.getMetadata(JOB_HANDLER_METADATA, descriptor.value as object) ?? [];
    Reflect.defineMetadata(
      JOB_HANDLER_METADATA,
      [...existing, { subject, options }],
      descriptor.value as object,
    );
    return descriptor;
  };
}
