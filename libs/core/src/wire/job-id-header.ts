/** Header replay sets to the original job's identity, so a replay of a completed job is known. */
export const JOB_ID_HEADER = 'Jetbus-Job-Id';
