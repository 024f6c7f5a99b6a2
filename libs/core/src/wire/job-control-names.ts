/*
 * The wire contract of unique jobs and of cancellation: bucket and header names any client reads or
 * writes. Written once here; @jetbus/auth grants exactly these names.
 */

/**
 * The KV bucket holding one entry per held unique key (`unique: { key }` on publish). An entry says
 * how long it holds (`for`), counted from its server timestamp; there is no bucket TTL, because
 * each key has its own.
 */
export const UNIQUE_BUCKET = 'JETBUS_UNIQUE';

/** The unique key a job was published under (the caller's key, as given). */
export const UNIQUE_KEY_HEADER = 'Jetbus-Unique-Key';

/**
 * Set only with `until: 'completed'`: the revision of the key's entry the publish acquired. The
 * worker deletes the entry when the job reaches a final outcome, only if it is still that
 * revision (a compare-and-delete), so it never frees a key another job holds since.
 */
export const UNIQUE_REVISION_HEADER = 'Jetbus-Unique-Revision';

/**
 * The KV bucket of cancellations of queued and running jobs, one key per job id: the request
 * (`requested`), then, once a worker settled the job, its outcome (`cancelled`). Every
 * `JetbusServer` with `cancellation` enabled watches it. Entries expire (`cancellation.ttl`).
 */
export const CANCELLED_BUCKET = 'JETBUS_CANCELLED';
