import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, request, setCsrfToken, setUnauthorizedHandler } from './api/api-client';
import { type Session } from './api/types';
import { Layout } from './components/layout';
import { LoginPage } from './pages/login-page';
import { Routes } from './routes';
import { SessionContext } from './session-context';

type SessionState =
  { status: 'loading' } | { status: 'out'; notice?: string } | { status: 'in'; session: Session };

/** Asks the server who we are: the cookie is HttpOnly, so the session itself says. */
async function loadSession(): Promise<Session | undefined> {
  try {
    return await request<Session>('GET', '/api/auth/session', undefined, { quiet401: true });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return undefined;
    throw e;
  }
}

function App() {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [bootError, setBootError] = useState<string | undefined>(undefined);

  const signedIn = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setState({ status: 'in', session });
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrfToken('');
      setState({ status: 'out', notice: 'Your session has ended. Sign in again.' });
    });
    loadSession().then(
      (session) => (session ? signedIn(session) : setState({ status: 'out' })),
      (e: unknown) => {
        setBootError(e instanceof Error ? e.message : String(e));
        setState({ status: 'out' });
      },
    );
  }, [signedIn]);

  const signOut = useCallback(async () => {
    try {
      await request('POST', '/api/auth/logout', {}, { quiet401: true });
    } finally {
      setCsrfToken('');
      setState({ status: 'out' });
    }
  }, []);

  if (state.status === 'loading') return <p class="boot">Loading jetbus admin…</p>;
  if (state.status === 'out') {
    return (
      <LoginPage
        onSignedIn={signedIn}
        notice={state.status === 'out' ? (state.notice ?? bootError) : undefined}
      />
    );
  }
  return (
    <SessionContext.Provider value={{ session: state.session, signOut }}>
      <Layout>
        <Routes />
      </Layout>
    </SessionContext.Provider>
  );
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
