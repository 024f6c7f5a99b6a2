import { useAdmin } from '../support/use-admin';

describe('admin app shell', () => {
  const t = useAdmin();

  it('creates the append-only audit stream', async () => {
    const info = await t.jsm.streams.info('JETBUS_AUDIT');
    expect(info.config.deny_delete).toBe(true);
    expect(info.config.deny_purge).toBe(true);
    expect(info.config.subjects).toEqual(['jetbus.audit.>']);
  });

  it('refuses a request without credentials with 401, and a wrong token too', async () => {
    const none = await t.anonymous.get('/api/streams');
    expect(none.status).toBe(401);
    const bad = await fetch(`${t.url}/api/streams`, {
      headers: { authorization: 'Bearer jbt_not_a_real_token_at_all' },
    });
    expect(bad.status).toBe(401);
  });

  it('sends strict security headers', async () => {
    const res = await t.anonymous.get('/api/streams');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
