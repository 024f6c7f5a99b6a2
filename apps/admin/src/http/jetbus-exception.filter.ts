import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
} from '@nestjs/common';
import { type Response } from 'express';
import { type Logger } from 'pino';
import {
  JetStreamApiCode,
  JetbusError,
  JetbusErrorCodes,
  type JetbusErrorCode,
  jetStreamApiCode,
} from '@jetbus/core';
import { ADMIN_LOGGER } from '../admin-logger';

/** jetbus error codes → HTTP status; anything not listed is a 500. */
const STATUS_BY_CODE: Partial<Record<JetbusErrorCode, number>> = {
  [JetbusErrorCodes.Config]: HttpStatus.BAD_REQUEST,
  [JetbusErrorCodes.InvalidPayload]: HttpStatus.BAD_REQUEST,
  [JetbusErrorCodes.PayloadTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [JetbusErrorCodes.StreamNotFound]: HttpStatus.NOT_FOUND,
  [JetbusErrorCodes.DeadLetterNotFound]: HttpStatus.NOT_FOUND,
  [JetbusErrorCodes.DeadLetterStreamNotFound]: HttpStatus.NOT_FOUND,
  [JetbusErrorCodes.PeriodicNotFound]: HttpStatus.NOT_FOUND,
  [JetbusErrorCodes.DeadLetterPayloadMissing]: HttpStatus.CONFLICT,
  [JetbusErrorCodes.ReplayConflict]: HttpStatus.CONFLICT,
  [JetbusErrorCodes.ReplayTarget]: HttpStatus.CONFLICT,
  [JetbusErrorCodes.NoStreamForSubject]: HttpStatus.CONFLICT,
  [JetbusErrorCodes.StreamLimit]: HttpStatus.CONFLICT,
  [JetbusErrorCodes.ConsumerDrift]: HttpStatus.CONFLICT,
  [JetbusErrorCodes.RepairNotSupported]: HttpStatus.CONFLICT,
  [JetbusErrorCodes.PermissionDenied]: HttpStatus.FORBIDDEN,
  [JetbusErrorCodes.Authentication]: HttpStatus.SERVICE_UNAVAILABLE,
  [JetbusErrorCodes.Connection]: HttpStatus.SERVICE_UNAVAILABLE,
  [JetbusErrorCodes.NotConnected]: HttpStatus.SERVICE_UNAVAILABLE,
  [JetbusErrorCodes.PublishTimeout]: HttpStatus.SERVICE_UNAVAILABLE,
  [JetbusErrorCodes.PublishFailed]: HttpStatus.SERVICE_UNAVAILABLE,
};

/** JetStream API error codes (nats-server's `errors.json`) → HTTP status. */
const STATUS_BY_API_CODE: Record<number, number> = {
  [JetStreamApiCode.StreamNotFound]: HttpStatus.NOT_FOUND,
  [JetStreamApiCode.ConsumerNotFound]: HttpStatus.NOT_FOUND,
  [JetStreamApiCode.NoMessageFound]: HttpStatus.NOT_FOUND,
  [JetStreamApiCode.SequenceNotFound]: HttpStatus.NOT_FOUND,
  [JetStreamApiCode.StoreEof]: HttpStatus.NOT_FOUND,
  10058: HttpStatus.CONFLICT, // stream name already in use with a different configuration
  10065: HttpStatus.CONFLICT, // subjects overlap with an existing stream
  10148: HttpStatus.CONFLICT, // consumer already exists (2.10+)
  10013: HttpStatus.CONFLICT, // consumer name already in use
  10052: HttpStatus.BAD_REQUEST, // invalid stream configuration
  10025: HttpStatus.BAD_REQUEST, // invalid stream config (generic)
  10012: HttpStatus.BAD_REQUEST, // consumer config invalid
  10056: HttpStatus.BAD_REQUEST, // stream update failed
  10039: HttpStatus.SERVICE_UNAVAILABLE, // JetStream not enabled for account
  10008: HttpStatus.SERVICE_UNAVAILABLE, // JetStream temporarily unavailable
};

/** The HTTP status an error maps to, and whether it is the caller's fault (logged at debug) or ours. */
export function httpStatusOf(e: unknown): number {
  if (e instanceof HttpException) return e.getStatus();
  if (e instanceof JetbusError) return STATUS_BY_CODE[e.code] ?? HttpStatus.INTERNAL_SERVER_ERROR;
  const apiCode = jetStreamApiCode(e);
  if (apiCode !== undefined) return STATUS_BY_API_CODE[apiCode] ?? HttpStatus.BAD_REQUEST;
  const name = e instanceof Error ? e.name : '';
  if (name === 'TimeoutError' || name === 'NoRespondersError' || name === 'ClosedConnectionError') {
    return HttpStatus.SERVICE_UNAVAILABLE;
  }
  if (name === 'PermissionViolationError') return HttpStatus.FORBIDDEN;
  return HttpStatus.INTERNAL_SERVER_ERROR;
}

/**
 * Every error becomes `{ statusCode, error, message }`: NATS and jetbus errors map to 404 / 409 /
 * 403 / 503 with their message; anything unexpected is a 500 that says only "internal error"
 * (the stack goes to the log, never to the client).
 */
@Catch()
@Injectable()
export class JetbusExceptionFilter implements ExceptionFilter {
  constructor(@Inject(ADMIN_LOGGER) private readonly logger: Logger) {}

  catch(e: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const status = httpStatusOf(e);
    let message: string | string[];
    let code: string | undefined;
    if (e instanceof HttpException) {
      const body = e.getResponse();
      message =
        typeof body === 'string' ? body : ((body as { message?: string | string[] }).message ?? e.message);
      // The app's own refusals that a client acts on (e.g. REPLAY_LIMIT) carry a code, as jetbus errors do.
      const own = typeof body === 'object' ? (body as { code?: unknown }).code : undefined;
      if (typeof own === 'string') code = own;
    } else if (status === HttpStatus.INTERNAL_SERVER_ERROR) {
      this.logger.error({ err: e }, 'admin request failed');
      message = 'internal error';
    } else {
      message = e instanceof Error ? e.message : String(e);
      code = e instanceof JetbusError ? e.code : undefined;
    }
    if (res.headersSent) return;
    res
      .status(status)
      .json({ statusCode: status, error: HttpStatus[status] ?? 'Error', message, ...(code ? { code } : {}) });
  }
}
