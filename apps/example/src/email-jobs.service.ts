import { Injectable, Logger } from '@nestjs/common';
import { IsEmail, IsString } from 'class-validator';
import { Ctx, type JetbusContext, JobHandler, Payload } from '@jetbus/core';

export class SendEmail {
  @IsEmail()
  to!: string;

  @IsString()
  template!: string;

  @IsString()
  orderId!: string;
}

@Injectable()
export class EmailJobs {
  private readonly logger = new Logger(EmailJobs.name);
  readonly sent: SendEmail[] = [];

  @JobHandler('emails.send', {
    stream: 'EMAILS',
    concurrency: 4,
    timeout: '10s',
    backoff: { type: 'fixed', delay: '2s' },
  })
  async send(@Payload() mail: SendEmail, @Ctx() ctx: JetbusContext): Promise<void> {
    // A real mailer would get ctx.signal so a timed-out send is abandoned.
    if (ctx.signal.aborted) return;
    this.sent.push(mail);
    this.logger.log(`e-mail "${mail.template}" to ${mail.to} for order ${mail.orderId}`);
  }
}
