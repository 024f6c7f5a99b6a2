import { type ComponentChildren } from 'preact';
import { useRoute } from '../router';
import { useSession } from '../session-context';

const NAV: { href: string; page: string; label: string }[] = [
  { href: '#/', page: '', label: 'Dashboard' },
  { href: '#/streams', page: 'streams', label: 'Streams' },
  { href: '#/dead-letters', page: 'dead-letters', label: 'Dead letters' },
  { href: '#/scheduled', page: 'scheduled', label: 'Scheduled' },
  { href: '#/periodic', page: 'periodic', label: 'Periodic' },
  { href: '#/workers', page: 'workers', label: 'Workers' },
  { href: '#/audit', page: 'audit', label: 'Audit log' },
];

export function Layout({ children }: { children: ComponentChildren }) {
  const { session, signOut } = useSession();
  const { path } = useRoute();
  const current = path[0] === 'dashboard' ? '' : (path[0] ?? '');
  return (
    <div class="shell">
      {/* Not href="#main": the hash is the router's. */}
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="topbar">
        <a class="brand" href="#/">
          <span class="logo" aria-hidden="true">
            ▲
          </span>
          jetbus admin
        </a>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <a
              key={item.page}
              href={item.href}
              class={current === item.page ? 'active' : undefined}
              aria-current={current === item.page ? 'page' : undefined}
            >
              {item.label}
            </a>
          ))}
        </nav>
        <div class="who">
          <span class="user">{session.name}</span>
          <span class={`badge role-${session.role}`}>{session.role}</span>
          <button type="button" class="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
