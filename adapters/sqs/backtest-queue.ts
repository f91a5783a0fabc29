import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { BacktestJob, BacktestQueue } from '../../core/strategies/ports.ts';

/** The backtests queue (standard: a job runs at least once, and its worker skips a finished one). */
export class SqsBacktestQueue implements BacktestQueue {
  readonly sqs: SQSClient;
  readonly queueUrl: string;

  constructor(sqs: SQSClient, queueUrl: string) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  async send(job: BacktestJob): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job) }),
    );
  }
}
