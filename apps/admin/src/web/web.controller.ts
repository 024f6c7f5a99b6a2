import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type Response } from 'express';
import { existsSync } from 'node:fs';
import { Public } from '../auth/roles.decorator';
import { ADMIN_OPTIONS, type ResolvedAdminOptions } from '../options/resolve-admin-options';
import { WEB_ASSET_TYPES, webAssetPath, webIndexPath } from './web-assets';

/**
 * Serves the single-page UI: `index.html` at `/` (routing is in the URL hash, so no other page
 * path exists) and its bundled files under `/assets/`. Public: the login page must load before
 * anyone is signed in; everything it shows comes from the authenticated API.
 */
@ApiExcludeController()
@Public()
@Controller()
export class WebController {
  constructor(@Inject(ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions) {}

  @Get()
  index(@Res() res: Response): void {
    const index = webIndexPath();
    if (!this.options.ui || !existsSync(index)) {
      throw new NotFoundException('the web UI is not built (npm run build) or is turned off (ui: false)');
    }
    // index.html names the bundle without a content hash, so it must be revalidated every time.
    res.setHeader('cache-control', 'no-cache');
    res.type('html').sendFile(index);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    const path = this.options.ui ? webAssetPath(file) : undefined;
    if (!path) throw new NotFoundException(`no asset ${JSON.stringify(file)}`);
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('content-type', WEB_ASSET_TYPES[file] ?? 'application/octet-stream');
    res.sendFile(path);
  }
}
