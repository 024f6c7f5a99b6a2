/**
 * Why a job stopped being retried. `max-deliveries` is for jobs whose worker died on the last
 * attempt, found through the server's advisory rather than by the worker itself.
 */
export type DeadLetterReason = 'error' | 'validation' | 'decode' | 'decrypt' | 'max-deliveries';
