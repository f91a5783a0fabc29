import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { Messaging } from '../constructs/messaging.ts';
import type { Topology } from '../topology.ts';

export interface MessagingStackProps extends StackProps {
  readonly topology: Pick<Topology, 'queues' | 'dlqName' | 'eventBus' | 'rules'>;
  /** The data key (DataStack) that encrypts the queues. */
  readonly key: kms.IKey;
}

/** The topology's queues with their DLQs, the event bus, its archive and its rules. */
export class MessagingStack extends Stack {
  readonly messaging: Messaging;

  constructor(scope: Construct, id: string, props: MessagingStackProps) {
    super(scope, id, props);
    this.messaging = new Messaging(this, 'Messaging', { topology: props.topology, key: props.key });
    new CfnOutput(this, 'EventBusName', { value: this.messaging.bus.eventBusName });
  }
}
