/** Every server the fixture starts listens on loopback only. */
export const LOOPBACK_HOST = '127.0.0.1';
export const NATS_SERVER_DEFAULT_START_TIMEOUT_MS = 10_000;
/** How long stop() waits after SIGTERM before it sends SIGKILL. */
export const NATS_SERVER_STOP_TIMEOUT_MS = 10_000;
/** Debian installs the binary in /usr/sbin, which is not on a normal user's PATH. */
export const NATS_SERVER_FALLBACK_BINARY = '/usr/sbin/nats-server';
export const NATS_SERVER_BIN_ENV = 'NATS_SERVER_BIN';
export const NATS_CLUSTER_DEFAULT_NAME = 'jetbus-test';
export const NATS_CLUSTER_DEFAULT_NODES = 3;
/** JetStream limits of a test server: small enough for a laptop, large enough for the benchmarks. */
export const JETSTREAM_DEFAULT_MAX_MEMORY_STORE = '1GB';
export const JETSTREAM_DEFAULT_MAX_FILE_STORE = '1GB';
/** The line nats-server logs once it accepts client connections (2.9 and later). */
export const SERVER_READY_LINE = 'Server is ready';
export const TEMP_DIR_PREFIX = 'jetbus-nats-';
/** How often readiness and health checks poll. */
export const POLL_INTERVAL_MS = 25;
/** How many times start() picks new ports when one was taken between choosing and binding it. */
export const PORT_CONFLICT_ATTEMPTS = 3;
