import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { pascal, queueId, type QueueKey, type Topology } from '../topology.ts';

export interface MessagingProps {
  readonly topology: Pick<Topology, 'queues' | 'dlqName' | 'eventBus' | 'rules'>;
  readonly key: kms.IKey;
}

export interface QueuePair {
  readonly queue: sqs.Queue;
  readonly dlq: sqs.Queue;
}

/** The topology's queues (each with its DLQ), the event bus, its archive and its rules. */
export class Messaging extends Construct {
  readonly queues: Record<QueueKey, QueuePair>;
  readonly bus: events.EventBus;
  readonly rules: events.Rule[] = [];

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    const { topology, key } = props;

    const pairs: Partial<Record<QueueKey, QueuePair>> = {};
    for (const [name, spec] of Object.entries(topology.queues) as [
      QueueKey,
      Topology['queues'][QueueKey],
    ][]) {
      const cid = queueId(name);
      const encryption = {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: key,
        // Fewer KMS calls per message; the key is rotated yearly anyway.
        dataKeyReuse: Duration.hours(1),
        enforceSSL: true,
      };
      const fifo = spec.fifo ? { fifo: true } : {};
      const dlq = new sqs.Queue(this, `${cid}Dlq`, {
        ...encryption,
        ...fifo,
        retentionPeriod: Duration.days(14),
      });
      const queue = new sqs.Queue(this, cid, {
        ...encryption,
        ...(spec.fifo
          ? {
              fifo: true,
              // Producers set a deduplication id; content-based dedup is the fallback when they don't.
              contentBasedDeduplication: true,
              // High-throughput FIFO: ordering is per message group (per tenant), not per queue.
              deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
              fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
            }
          : {}),
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
      });
      pairs[name] = { queue, dlq };
    }
    this.queues = pairs as Record<QueueKey, QueuePair>;

    this.bus = new events.EventBus(this, 'Bus', {
      description: `OMS domain events (source "${topology.eventBus.source}")`,
    });
    this.bus.archive('Archive', {
      description: 'Replayable history of every OMS event',
      eventPattern: { account: [Stack.of(this).account] },
      retention: Duration.days(topology.eventBus.archiveRetentionDays),
    });

    for (const rule of topology.rules) {
      const pair = this.queues[rule.target.queue];
      const targetIsFifo = topology.queues[rule.target.queue].fifo;
      this.rules.push(
        new events.Rule(this, `Rule${pascal(rule.name)}`, {
          eventBus: this.bus,
          description: rule.description,
          eventPattern: toEventPattern(rule.pattern),
          targets: [
            new targets.SqsQueue(pair.queue, {
              ...(targetIsFifo ? { messageGroupId: topology.eventBus.source } : {}),
              // Events EventBridge cannot deliver (queue policy or KMS trouble) land beside the
              // messages the consumer could not process, so one alarm covers both.
              deadLetterQueue: pair.dlq,
              retryAttempts: 10,
              maxEventAge: Duration.hours(24),
            }),
          ],
        }),
      );
    }
  }
}

/**
 * The L2 `EventPattern` names `detail-type` as `detailType` and renders it back; every other
 * key is already the CloudFormation name, so the topology's pattern reaches the template as-is.
 */
export function toEventPattern(pattern: Record<string, unknown>): events.EventPattern {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(pattern)) {
    out[k === 'detail-type' ? 'detailType' : k] = v;
  }
  return out as events.EventPattern;
}
