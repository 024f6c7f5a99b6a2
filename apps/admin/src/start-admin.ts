import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import session from 'express-session';
import helmet from 'helmet';
import { AdminModule } from './admin.module';
import { SESSION_COOKIE } from './auth/admin-session';
import { SessionMemoryStore } from './auth/session-memory-store';
import { rejectDeepJson } from './http/json-depth';
import { noStore } from './http/no-store';
import { rejectOtherHosts } from './http/reject-other-hosts';
import { setupOpenApi } from './openapi/setup-openapi';
import { type AdminOptions } from './options/admin.options';
import { resolveAdminOptions } from './options/resolve-admin-options';

/** A running admin app. */
export interface AdminServer {
  readonly app: INestApplication;
  /** Where it listens, e.g. `http://127.0.0.1:4280`. */
  readonly url: string;
  /** Stops accepting requests and closes the NATS connection. */
  close(): Promise<void>;
}

/** Largest request body: an edited payload up to NATS' default max_payload (1 MiB) plus JSON escaping. */
const BODY_LIMIT = '4mb';

/**
 * Starts the admin app: options validated first (a `JetbusConfigError` names a bad one), then the
 * NATS connection, then HTTP(S) on `host:port` (127.0.0.1:4280 unless configured).
 */
export async function startAdmin(raw: AdminOptions): Promise<AdminServer> {
  const options = resolveAdminOptions(raw);
  const httpsOptions = options.https && {
    cert: readFileSync(options.https.certFile),
    key: readFileSync(options.https.keyFile),
  };
  const app = await NestFactory.create<NestExpressApplication>(AdminModule.forRoot(options), {
    logger: false,
    abortOnError: false,
    bodyParser: false,
    ...(httpsOptions ? { httpsOptions } : {}),
  });
  app.disable('x-powered-by');
  // Behind proxies, req.ip (the login limiter's key, the audit's ip) is the client they forwarded for.
  if (options.trustedProxies > 0) app.set('trust proxy', options.trustedProxies);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
      strictTransportSecurity: options.https ? undefined : false,
    }),
  );
  // Before the body is parsed or the session read: a misdirected request gets nothing of the app.
  if (options.allowedHosts) app.use(rejectOtherHosts(options.allowedHosts));
  app.use(['/api', '/metrics'], noStore);
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.use(rejectDeepJson);
  app.use(
    session({
      name: SESSION_COOKIE,
      secret: options.sessionSecret,
      store: new SessionMemoryStore(options.sessionTtlMs),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        sameSite: 'strict',
        // Behind trusted proxies, Secure when the proxy says the client spoke HTTPS (X-Forwarded-Proto).
        secure: options.https ? true : options.trustedProxies > 0 ? 'auto' : false,
        maxAge: options.sessionTtlMs,
        path: '/',
      },
    }),
  );
  setupOpenApi(app);
  app.enableShutdownHooks();
  try {
    // Module init (the NATS connection, the audit stream's check) runs here: a failure must not
    // leave the connection open behind the rejected promise.
    await app.listen(options.port, options.host);
  } catch (e) {
    await app.close().catch(() => undefined);
    throw e;
  }
  const address = app.getHttpServer().address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    app,
    url: `${options.https ? 'https' : 'http'}://${host}:${address.port}`,
    close: () => app.close(),
  };
}
