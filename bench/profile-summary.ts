import { readFile } from 'node:fs/promises';
import { categoryOf, type ProfileCategory } from './profile-categories';
import { formatNumber } from './report';

/** The parts of a V8 `.cpuprofile` (Chrome DevTools format) this summary reads. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionCost {
  name: string;
  location: string;
  pkg: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  profiles: number;
  sampledMs: number;
  /** Self time per package (jetbus, @nats-io/..., node, (garbage collector), ...). */
  packages: { pkg: string; ms: number; share: number }[];
  /** Self time per kind of work (`profile-categories.ts`), and per job when the jobs are known. */
  categories: { category: ProfileCategory; ms: number; share: number }[];
  /** Functions by self time. */
  topSelf: FunctionCost[];
  /** jetbus and Nest functions by total time, callees included (synchronous stacks only). */
  frameworkTotal: FunctionCost[];
}

const TOP = 25;
/** Packages whose functions get a total-time ranking: where the framework's per-job cost lives. */
const FRAMEWORK = new Set(['jetbus', '@nestjs/core', '@nestjs/microservices']);

/** Where a script belongs: jetbus, the bench itself, an npm package, or Node. */
function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.includes('/libs/core/dist/')) return 'jetbus';
  if (url.includes('/dist/bench/')) return 'bench harness';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node';
  return 'other';
}

function shortLocation(url: string, line: number): string {
  if (!url) return '';
  const path = url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|dist)\//, '');
  return `${path}:${line + 1}`;
}

/**
 * Self and total time per function over one or more profiles of the same phase: the hot spots,
 * which packages they are in, and how much each jetbus function costs with its callees.
 */
export async function summarizeProfiles(files: string[]): Promise<ProfileSummary> {
  const self = new Map<string, FunctionCost>();
  const categories = new Map<ProfileCategory, number>();
  const total = new Map<string, FunctionCost>();
  let sampledMs = 0;
  for (const file of files) {
    const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const selfMs = new Map<number, number>();
    profile.samples.forEach((id, i) => {
      const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      selfMs.set(id, (selfMs.get(id) ?? 0) + ms);
      sampledMs += ms;
    });
    const cost = (map: Map<string, FunctionCost>, id: number, ms: number) => {
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
      const name = functionName || '(anonymous)';
      const location = shortLocation(url, lineNumber);
      const key = `${name} ${location}`;
      const entry = map.get(key) ?? { name, location, pkg: packageOf(url, functionName), ms: 0, share: 0 };
      entry.ms += ms;
      map.set(key, entry);
      return key;
    };
    for (const [id, ms] of selfMs) {
      cost(self, id, ms);
      const { url, functionName } = byId.get(id)!.callFrame;
      const category = categoryOf(url, functionName);
      categories.set(category, (categories.get(category) ?? 0) + ms);
    }
    // Total time: a node's subtree counts once for its function, even when the function recurses.
    const onStack = new Map<string, number>();
    const visit = (id: number): number => {
      const node = byId.get(id)!;
      const { functionName, url, lineNumber } = node.callFrame;
      const key = `${functionName || '(anonymous)'} ${shortLocation(url, lineNumber)}`;
      onStack.set(key, (onStack.get(key) ?? 0) + 1);
      let sum = selfMs.get(id) ?? 0;
      for (const child of node.children ?? []) sum += visit(child);
      onStack.set(key, onStack.get(key)! - 1);
      if (onStack.get(key) === 0 && FRAMEWORK.has(packageOf(url, functionName))) cost(total, id, sum);
      return sum;
    };
    visit(profile.nodes[0].id);
  }
  const ranked = (map: Map<string, FunctionCost>) =>
    [...map.values()]
      .map((f) => ({ ...f, share: f.ms / sampledMs }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, TOP);
  const packages = new Map<string, number>();
  for (const f of self.values()) packages.set(f.pkg, (packages.get(f.pkg) ?? 0) + f.ms);
  return {
    profiles: files.length,
    sampledMs,
    packages: [...packages]
      .map(([pkg, ms]) => ({ pkg, ms, share: ms / sampledMs }))
      .sort((a, b) => b.ms - a.ms),
    categories: [...categories]
      .map(([category, ms]) => ({ category, ms, share: ms / sampledMs }))
      .sort((a, b) => b.ms - a.ms),
    topSelf: ranked(self),
    frameworkTotal: ranked(total),
  };
}

const pct = (share: number) => `${formatNumber(share * 100, 1)}%`.padStart(6);

/**
 * `jobs`: jobs handled across the profiled sections, to turn sampled time into µs per job (idle
 * time excluded from that column: it is not CPU).
 */
export function formatProfileSummary(title: string, s: ProfileSummary, jobs?: number): string {
  const perJob = (c: { category: string; ms: number }) =>
    jobs && c.category !== 'idle' ? `  ${formatNumber((c.ms * 1000) / jobs, 1).padStart(6)} µs/job` : '';
  const lines = [
    `${title}: ${s.profiles} profile(s), ${formatNumber(s.sampledMs / 1000, 2)} s sampled`,
    '  self time by kind of work:',
    ...s.categories
      .filter((c) => c.share >= 0.005)
      .map((c) => `    ${pct(c.share)}${perJob(c)}  ${c.category}`),
    '  self time by package:',
    ...s.packages.filter((p) => p.share >= 0.005).map((p) => `    ${pct(p.share)}  ${p.pkg}`),
    '  top functions by self time:',
    ...s.topSelf.map((f) => `    ${pct(f.share)}  ${f.name}  ${f.location || f.pkg}`),
  ];
  if (s.frameworkTotal.length > 0) {
    lines.push(
      '  jetbus and Nest functions by total time (callees included, synchronous part of each call):',
      ...s.frameworkTotal.map((f) => `    ${pct(f.share)}  ${f.name}  ${f.location}`),
    );
  }
  return lines.join('\n');
}
