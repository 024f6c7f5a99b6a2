import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { docsCsp } from './docs-csp';

export const OPENAPI_UI_PATH = 'api/docs';
export const OPENAPI_JSON_PATH = 'api/docs-json';

/**
 * Serves the OpenAPI document at `/api/docs-json` and Swagger UI at `/api/docs`. Both are public
 * (they describe the API, they open nothing): every route they list still needs its role. Call
 * after the app's own middleware (helmet), before `listen`.
 */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('jetbus admin API')
    .setDescription(
      'Operate jetbus streams, consumers, jobs, dead letters and workers. Roles: viewer < operator < admin. ' +
        'Scripts send `Authorization: Bearer <token>`; the web UI uses the `jetbus.sid` session cookie and ' +
        'sends `x-csrf-token` on every POST, PUT, PATCH and DELETE.',
    )
    .setVersion('1')
    .addBearerAuth()
    .addCookieAuth('jetbus.sid')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  app.use(`/${OPENAPI_UI_PATH}`, docsCsp);
  SwaggerModule.setup(OPENAPI_UI_PATH, app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'jetbus admin API',
    // The UI would otherwise send the document to validator.swagger.io (and the CSP blocks it).
    swaggerOptions: { validatorUrl: null },
  });
  return document;
}
