import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { NatsHealthIndicator } from './nats-health.indicator';

// Terminus' own logger would print to stdout around the app's pino logger; the 503 body says it all.
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [NatsHealthIndicator],
})
export class HealthModule {}
