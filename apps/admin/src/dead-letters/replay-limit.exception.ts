import { HttpException, HttpStatus } from '@nestjs/common';

/** The `code` of a bulk replay refused because too many are running; the UI and scripts key on it. */
export const REPLAY_LIMIT_CODE = 'REPLAY_LIMIT';

/**
 * A bulk replay (or a dry run) refused because its caller, or the app as a whole, already runs as
 * many as `bulkReplayLimit` allows: a 429 (try again when one has finished), not a 409 (nothing
 * about the dead letters themselves is in the way).
 */
export class ReplayLimitException extends HttpException {
  constructor(message: string) {
    super(
      { statusCode: HttpStatus.TOO_MANY_REQUESTS, message, code: REPLAY_LIMIT_CODE },
      HttpStatus.TOO_MANY_REQUESTS,
    );
    this.name = 'ReplayLimitException';
  }
}
