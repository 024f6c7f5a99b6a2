import { Module } from '@nestjs/common';
import { WebController } from './web.controller';

/** The web UI's files (built by `apps/admin/scripts/build-web.mjs`); the UI itself only calls `/api`. */
@Module({ controllers: [WebController] })
export class WebModule {}
