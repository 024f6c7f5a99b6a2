import { type Usage } from '../protocol';

const MB = 1024 * 1024;

export interface UsageMark {
  cpu: NodeJS.CpuUsage;
}

export const markUsage = (): UsageMark => ({ cpu: process.cpuUsage() });

/** CPU since `from` (or since the process started), and memory now. */
export function usageSince(from?: UsageMark): Usage {
  const cpu = process.cpuUsage(from?.cpu);
  const mem = process.memoryUsage();
  return {
    cpuS: (cpu.user + cpu.system) / 1e6,
    cpuUserS: cpu.user / 1e6,
    cpuSystemS: cpu.system / 1e6,
    rssMb: mem.rss / MB,
    // maxRSS is in kilobytes.
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: mem.heapUsed / MB,
  };
}
