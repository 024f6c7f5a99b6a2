import { once } from 'node:events';
import { Controller, Get, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type Response } from 'express';
import { Roles } from '../auth/roles.decorator';
import { auditFilterOf } from './audit-filter';
import { AuditReader } from './audit-reader';
import { AuditPageDto } from './dto/audit-entry.dto';
import { AUDIT_PAGE_DEFAULT, AuditFilterDto, AuditQueryDto } from './dto/audit-query.dto';

/**
 * The audit trail, read-only: who did what, when, with which outcome. Reading it needs `operator`
 * (it names every actor and the payloads they edited); exporting all of it needs `admin`.
 */
@ApiTags('audit')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiUnauthorizedResponse({ description: 'not signed in' })
@ApiForbiddenResponse({ description: 'role below the one required' })
@Controller('api/audit')
@Roles('operator')
export class AuditController {
  constructor(private readonly reader: AuditReader) {}

  @Get()
  @ApiOperation({ summary: 'Search the audit trail, newest first' })
  @ApiOkResponse({ type: AuditPageDto })
  search(@Query() query: AuditQueryDto): Promise<AuditPageDto> {
    return this.reader.search(auditFilterOf(query), query.limit ?? AUDIT_PAGE_DEFAULT, query.before);
  }

  @Get('export')
  @Roles('admin')
  @ApiOperation({ summary: 'Every matching entry as JSON lines, oldest first' })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'one StoredAuditEntry per line' })
  async export(@Query() query: AuditFilterDto, @Res() res: Response): Promise<void> {
    const entries = this.reader.export(auditFilterOf(query));
    // The first entry is read before the headers go out, so a NATS failure is still a mapped error.
    let next = await entries.next();
    res.status(200);
    res.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="jetbus-audit.ndjson"');
    try {
      while (!next.done) {
        if (!res.write(`${JSON.stringify(next.value)}\n`)) await once(res, 'drain');
        next = await entries.next();
      }
      res.end();
    } catch {
      // Headers are sent: all a client can be told is that the body stops short.
      res.destroy();
    }
  }
}
