#!/usr/bin/env node
// Validates the deployment files offline, without a container engine or a cluster:
//   docker-compose.yml          against the Compose Specification's JSON Schema (deploy/schemas), after
//                               YAML anchors and merge keys are resolved, as Compose loads it
//   deploy/kubernetes/*.yaml    every object against the Kubernetes OpenAPI schemas of kubernetes-models
//                               (nats-values.yaml is Helm values for the NATS chart, not manifests: skipped)
//
//   node scripts/validate-deploy.mjs                      # the repository's files
//   node scripts/validate-deploy.mjs --compose f.yml --k8s a.yaml b.yaml
// Prints one line per file and exits 1 when any is invalid.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import YAML from 'yaml';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const files = { compose: [], k8s: [] };
  let into;
  for (const arg of argv) {
    if (arg === '--compose') into = files.compose;
    else if (arg === '--k8s') into = files.k8s;
    else if (into) into.push(arg);
    else
      throw new Error(`unexpected argument ${JSON.stringify(arg)} (use --compose <file> or --k8s <files>)`);
  }
  if (files.compose.length === 0 && files.k8s.length === 0) {
    files.compose.push(path.join(root, 'docker-compose.yml'));
    const dir = path.join(root, 'deploy', 'kubernetes');
    for (const f of readdirSync(dir).sort()) {
      if (/\.ya?ml$/.test(f) && f !== 'nats-values.yaml') files.k8s.push(path.join(dir, f));
    }
  }
  return files;
}

function composeProblems(file) {
  const schema = JSON.parse(readFileSync(path.join(root, 'deploy', 'schemas', 'compose-spec.json'), 'utf8'));
  // Compose's own formats (durations, ports) are also patterns in the schema; its draft URI is not
  // the one Ajv registers, so the schema itself is not meta-validated.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false });
  const validate = ajv.compile(schema);
  const doc = YAML.parse(readFileSync(file, 'utf8'), { merge: true });
  if (validate(doc)) return [];
  return validate.errors.map(
    (e) =>
      `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`,
  );
}

async function k8sProblems(file) {
  const problems = [];
  const docs = YAML.parseAllDocuments(readFileSync(file, 'utf8'));
  for (const [i, d] of docs.entries()) {
    if (d.errors.length) {
      problems.push(`document ${i}: ${d.errors[0].message}`);
      continue;
    }
    const o = d.toJS();
    if (!o) continue;
    const where = `document ${i} (${o.kind ?? '?'} ${o.metadata?.name ?? '?'})`;
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
      problems.push(`${where}: apiVersion and kind are required`);
      continue;
    }
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    let Kind;
    try {
      Kind = (await import(`kubernetes-models/${group ? `${group}/` : ''}${version}`))[o.kind];
    } catch {
      Kind = undefined;
    }
    if (!Kind) {
      problems.push(`${where}: unknown apiVersion/kind ${o.apiVersion} ${o.kind}`);
      continue;
    }
    try {
      new Kind(o).validate();
    } catch (e) {
      problems.push(`${where}: ${e.message}`);
    }
  }
  return problems;
}

const files = parseArgs(process.argv.slice(2));
let bad = 0;
for (const file of files.compose) {
  const problems = composeProblems(file);
  bad += problems.length ? 1 : 0;
  console.log(
    problems.length ? `invalid ${file}:\n  ${problems.join('\n  ')}` : `ok ${file} (Compose Specification)`,
  );
}
for (const file of files.k8s) {
  const problems = await k8sProblems(file);
  bad += problems.length ? 1 : 0;
  console.log(
    problems.length ? `invalid ${file}:\n  ${problems.join('\n  ')}` : `ok ${file} (Kubernetes schemas)`,
  );
}
process.exit(bad ? 1 : 0);
