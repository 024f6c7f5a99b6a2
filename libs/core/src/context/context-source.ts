import { type JetbusContext } from './jetbus.context';

/**
 * What a handler invocation is given instead of a built `JetbusContext`: the context is made when the
 * handler first needs it (it takes `@Ctx()`, or has no decorated parameter and so gets
 * `(payload, ctx)`). Most handlers take the payload alone, and then no context is built per job.
 */
export interface ContextSource {
  context(): JetbusContext;
}
