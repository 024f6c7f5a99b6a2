/* Heartbeats as a worker process writes them to JETBUS_WORKERS, for the admin app's suites. */
import { type WorkerHeartbeat } from '@jetbus/core';

export const handler = (name: string, processed: number, subject = 'orders.created') => ({
  handler: name,
  subject,
  stream: 'ORDERS',
  durable: 'orders_orders-created',
  concurrency: 4,
  inFlight: 1,
  processed,
  failed: 3,
  retried: 2,
  deadLettered: 1,
});

/** The heartbeat of the process `<user>.<host>.<pid>.<random>`, written at `at`, started a minute before. */
export function heartbeat(
  id: string,
  at: Date,
  handlers = [handler('OrderJobs.reserve', 10)],
  startedAt = new Date(at.getTime() - 60_000),
): WorkerHeartbeat {
  const [user, host, pid] = id.split('.');
  return {
    id,
    name: `svc-${user}`,
    user,
    host,
    pid: Number(pid),
    version: '0.1.0',
    startedAt: startedAt.toISOString(),
    at: at.toISOString(),
    handlers,
  };
}
