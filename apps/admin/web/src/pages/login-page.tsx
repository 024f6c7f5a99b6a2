import { useEffect, useState } from 'preact/hooks';
import { ApiError, request } from '../api/api-client';
import { type Providers, type Session } from '../api/types';
import { ErrorBanner } from '../components/error-banner';

interface LoginPageProps {
  onSignedIn(session: Session): void;
  notice?: string | undefined;
}

export function LoginPage({ onSignedIn, notice }: LoginPageProps) {
  const [providers, setProviders] = useState<Providers | undefined>(undefined);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    request<Providers>('GET', '/api/auth/providers', undefined, { quiet401: true }).then(setProviders, () =>
      // Without the providers list, offer the password form: the server still decides.
      setProviders({ password: true, oidc: null }),
    );
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await request<Session>(
        'POST',
        '/api/auth/login',
        { username, password },
        { quiet401: true },
      );
      onSignedIn(session);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'Wrong user name or password.'
          : err instanceof Error
            ? err.message
            : String(err),
      );
      setBusy(false);
    }
  };

  return (
    <div class="login">
      <div class="login-card">
        <h1>
          <span class="logo" aria-hidden="true">
            ▲
          </span>{' '}
          jetbus admin
        </h1>
        {notice && <p class="notice">{notice}</p>}
        {providers?.password !== false && (
          <form onSubmit={submit} class="stack" aria-label="Sign in">
            <label class="field">
              <span>User name</span>
              <input
                name="username"
                autoComplete="username"
                autoFocus
                required
                value={username}
                onInput={(e) => setUsername(e.currentTarget.value)}
              />
            </label>
            <label class="field">
              <span>Password</span>
              <input
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </label>
            <ErrorBanner error={error} />
            <button type="submit" class="primary" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
          </form>
        )}
        {providers?.oidc && (
          <>
            {providers.password && <div class="or">or</div>}
            {/* A full-page navigation: the identity provider's redirect flow cannot run in fetch. */}
            <a class="button oidc" href={safeLoginUrl(providers.oidc.loginUrl)}>
              {providers.oidc.label}
            </a>
          </>
        )}
      </div>
    </div>
  );
}

/** Only a same-origin path may be the login link (never `javascript:` or another site). */
const safeLoginUrl = (url: string): string => (/^\/(?!\/)/.test(url) ? url : '/auth/oidc/login');
