import { readFileSync } from 'node:fs';

/** Linux USER_HZ: /proc reports CPU time in these ticks on every mainstream kernel configuration. */
const CLOCK_TICKS_PER_S = 100;

/**
 * CPU seconds (user + system) another process used so far, from /proc/<pid>/stat; `undefined`
 * where /proc is not available. Used for nats-server, whose share of the two cores matters here.
 */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}
