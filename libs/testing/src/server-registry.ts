import { runInThisContext } from 'node:vm';

/** Something that can be torn down synchronously while the process exits. */
export interface Reapable {
  reapSync(): void;
}

const REGISTRY_KEY = Symbol.for('@jetbus/testing/live-servers');

type HostProcess = NodeJS.Process & { [REGISTRY_KEY]?: Set<Reapable> };

/**
 * The live servers of this process, shared by every copy of this module.
 *
 * Jest gives each test file its own copy of `process` whose 'exit' event never fires, and loads this
 * module once per test file. The registry and its single 'exit' listener therefore live on the host
 * process, reached through the main V8 context.
 */
function registry(): Set<Reapable> {
  const host = hostProcess();
  let servers = host[REGISTRY_KEY];
  if (!servers) {
    const created = new Set<Reapable>();
    host[REGISTRY_KEY] = created;
    host.on('exit', () => {
      for (const server of created) {
        try {
          server.reapSync();
        } catch {
          // Keep going: one failed cleanup must not leave the other servers running.
        }
      }
      created.clear();
    });
    servers = created;
  }
  return servers;
}

function hostProcess(): HostProcess {
  try {
    const host = runInThisContext('process') as HostProcess | undefined;
    if (host && typeof host.on === 'function') return host;
  } catch {
    // Fall through to this context's process.
  }
  return process as HostProcess;
}

export function trackServer(server: Reapable): void {
  registry().add(server);
}

export function untrackServer(server: Reapable): void {
  registry().delete(server);
}
