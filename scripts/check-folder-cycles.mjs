#!/usr/bin/env node
// Proves that the folders of each library depend on each other in one direction: builds the graph
// of relative imports between top-level folders of libs/<lib>/src (type-only imports included:
// they couple the code just the same) and fails on any cycle, naming the files that close it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const libs = process.argv.slice(2).length ? process.argv.slice(2) : ['core', 'testing'];
const IMPORT = /(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/g;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return walk(p);
    return /\.ts$/.test(name) && !/\.(spec|e2e)\.ts$/.test(name) && !p.includes('__tests__') ? [p] : [];
  });
}

let failed = false;
for (const lib of libs) {
  const src = path.join(root, 'libs', lib, 'src');
  const folderOf = (file) => path.relative(src, file).split(path.sep)[0].replace(/\.ts$/, '');
  /** edges.get(a).get(b) = files in a that import from b */
  const edges = new Map();
  for (const file of walk(src)) {
    const from = folderOf(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const to = folderOf(path.resolve(path.dirname(file), spec));
      if (to === from || to.startsWith('..')) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      const files = edges.get(from).get(to) ?? [];
      files.push(path.relative(src, file));
      edges.get(from).set(to, files);
    }
  }
  // Tarjan's strongly connected components: any component of more than one folder is a cycle.
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const cycles = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) cycles.push(comp.sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  for (const comp of cycles) {
    failed = true;
    console.error(`libs/${lib}: folders import each other in a cycle: ${comp.join(', ')}`);
    for (const a of comp)
      for (const [b, files] of edges.get(a) ?? [])
        if (comp.includes(b)) console.error(`  ${a} -> ${b}: ${[...new Set(files)].join(', ')}`);
  }
  if (cycles.length === 0)
    console.log(`libs/${lib}: no folder import cycle (${edges.size} folders with imports)`);
}
process.exit(failed ? 1 : 0);
