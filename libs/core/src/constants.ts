/** Metadata key written by `@JobHandler` (namespaced like Nest's own `microservices:pattern`). */
export const JOB_HANDLER_METADATA = 'jetbus:job_handler';

/** DI tokens. */
export const JETBUS_MODULE_OPTIONS = Symbol('JETBUS_MODULE_OPTIONS');
export const JETBUS_LOGGER = Symbol('JETBUS_LOGGER');
