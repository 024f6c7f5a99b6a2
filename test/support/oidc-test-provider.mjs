// A real OpenID provider (oidc-provider) for the admin app's OIDC e2e, in its own process: it is an
// ES module with ES-module dependencies that Jest's CommonJS runtime would have to transform.
// Env: REDIRECT_URI, CLIENT_ID, CLIENT_SECRET. Prints {"issuer": ...} once listening on 127.0.0.1.
// Interaction: GET /interaction/<uid>?account=<id> signs <id> in and grants the requested scope,
// standing in for a login form (the test picks the user; there is no password to type).
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

/** The users and their claims: `jetbus_role` as a string, a list, or missing. */
const ACCOUNTS = {
  alice: { preferred_username: 'alice', jetbus_role: 'operator' },
  bob: { preferred_username: 'bob' },
  carol: { preferred_username: 'carol', jetbus_role: ['staff', 'jetbus-admins'] },
  mallory: { preferred_username: 'mallory', jetbus_role: ['root', 'superuser'] },
};

let handler = (_req, res) => res.writeHead(503).end();
const server = createServer((req, res) => handler(req, res));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: [process.env.REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  claims: { openid: ['sub', 'preferred_username', 'jetbus_role'] },
  async findAccount(_ctx, id) {
    const claims = ACCOUNTS[id];
    return claims && { accountId: id, claims: () => ({ sub: id, ...claims }) };
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  cookies: { keys: ['oidc-test-provider-cookie-key'] },
});

async function interaction(req, res, url) {
  const details = await provider.interactionDetails(req, res);
  const accountId = url.searchParams.get('account');
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

const callback = provider.callback();
handler = (req, res) => {
  const url = new URL(req.url, issuer);
  if (req.method === 'GET' && url.pathname.startsWith('/interaction/')) {
    interaction(req, res, url).catch((e) => res.writeHead(500).end(String(e)));
  } else {
    callback(req, res);
  }
};
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
