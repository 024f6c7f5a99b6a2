import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { ROOT, readComposeFile } from './support/compose-topology';

/*
 * The deployment files, checked offline (no container engine or cluster here): docker-compose.yml
 * against the Compose Specification, the Kubernetes manifests against the Kubernetes schemas (both by
 * scripts/validate-deploy.mjs, which must also refuse broken copies), and the settings that must
 * agree with jetbus's own: shutdown grace, loopback-only publication, creds as mounted files.
 */

const run = promisify(execFile);
const VALIDATE = path.join(ROOT, 'scripts', 'validate-deploy.mjs');
const K8S = path.join(ROOT, 'deploy', 'kubernetes', 'jetbus-example.yaml');
/** jetbus's default `shutdownGracePeriod`. */
const SHUTDOWN_GRACE_S = 10;

async function validate(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [VALIDATE, ...args], { cwd: ROOT });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

const seconds = (d: string): number => {
  const m = /^(\d+)(s|m)$/.exec(d);
  if (!m) throw new Error(`unexpected duration ${d}`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
};

interface K8sContainer {
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  env?: { name: string; value?: string }[];
}
interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec: {
    replicas?: number;
    minAvailable?: number;
    template?: {
      spec: {
        terminationGracePeriodSeconds?: number;
        securityContext?: { runAsNonRoot?: boolean };
        containers: K8sContainer[];
      };
    };
  };
}

describe('deployment files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'jetbus-deploy-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('docker-compose.yml and the Kubernetes manifests pass the offline validators', async () => {
    const { code, out } = await validate();
    expect(out).toContain('ok ');
    expect(code).toBe(0);
  });

  it('the validators refuse a broken compose file and a broken manifest, naming the fault', async () => {
    const compose = YAML.parse(await readFile(path.join(ROOT, 'docker-compose.yml'), 'utf8'), {
      merge: true,
    }) as { services: Record<string, Record<string, unknown>> };
    compose.services.orders.replicaz = 2;
    compose.services.admin.ports = '4280';
    const badCompose = path.join(dir, 'compose.yml');
    await writeFile(badCompose, YAML.stringify(compose));

    const docs = YAML.parseAllDocuments(await readFile(K8S, 'utf8')).map((d) => d.toJS() as K8sObject);
    const worker = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'jetbus-orders')!;
    (worker.spec as Record<string, unknown>).replicas = 'two';
    const badK8s = path.join(dir, 'k8s.yaml');
    await writeFile(badK8s, docs.map((d) => YAML.stringify(d)).join('---\n'));

    const { code, out } = await validate('--compose', badCompose, '--k8s', badK8s);
    expect(code).toBe(1);
    expect(out).toMatch(/\/services\/orders must NOT have additional properties \(replicaz\)/);
    expect(out).toMatch(/\/services\/admin\/ports must be array/);
    expect(out).toMatch(/Deployment jetbus-orders\).*replicas/s);
  });

  it('compose: one node config for all three nodes, loopback-only ports, creds as secrets, drain before kill', async () => {
    const compose = await readComposeFile();
    const nodes = Object.keys(compose.services).filter((n) => n.startsWith('nats-'));
    expect(nodes).toHaveLength(3);
    for (const n of nodes) {
      expect(compose.services[n].command).toEqual(['-c', '/etc/nats/nats-cluster.conf']);
      expect(compose.services[n].healthcheck?.test.join(' ')).toContain('/healthz');
    }
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of (service as { ports?: string[] }).ports ?? []) {
        expect(`${name} ${port}`).toMatch(/ 127\.0\.0\.1:/);
      }
      for (const value of Object.values(service.environment ?? {})) {
        expect(String(value)).not.toMatch(/SUAA|-----BEGIN NATS USER JWT-----/);
      }
    }
    expect(compose.services.orders.deploy?.replicas).toBe(2);
    expect(compose.services.orders.secrets).toEqual(['orders_creds']);
    expect(seconds(compose.services.orders.stop_grace_period!)).toBeGreaterThan(SHUTDOWN_GRACE_S);
    expect(compose.services.orders.read_only).toBe(true);
  });

  it('kubernetes: the worker outlives its drain, runs unprivileged, and keeps one replica through disruptions', async () => {
    const docs = YAML.parseAllDocuments(await readFile(K8S, 'utf8')).map((d) => d.toJS() as K8sObject);
    const worker = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'jetbus-orders')!;
    const pod = worker.spec.template!.spec;
    const [container] = pod.containers;
    const preStop = container.lifecycle?.preStop?.exec?.command ?? [];
    const preStopS = preStop[0] === 'sleep' ? Number(preStop[1]) : 0;
    // SIGTERM comes after preStop; the drain then takes up to shutdownGracePeriod plus the close.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStopS + SHUTDOWN_GRACE_S + 5);
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
    expect(container.env?.find((e) => e.name === 'NATS_CREDS')?.value).toMatch(/^\/var\/run\/secrets\//);
    const pdb = docs.find((d) => d.kind === 'PodDisruptionBudget')!;
    expect(pdb.spec.minAvailable).toBeLessThan(worker.spec.replicas!);
  });
});
