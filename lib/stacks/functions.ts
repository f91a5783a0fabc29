import { Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import { HandlerFunction } from '../constructs/handler-function.ts';
import type { OmsHttpApi } from '../constructs/http-api.ts';
import { acknowledgeGrantWildcards, grantAccess, type GrantTargets } from '../grants.ts';
import { timeoutOf, type HandlerUse } from '../handlers.ts';
import { handlerId, pascal, type Topology } from '../topology.ts';

export interface FunctionsStackProps extends StackProps {
  /** This group's handler files and their uses. */
  readonly handlers: ReadonlyMap<string, HandlerUse>;
  /** The whole topology; only the entries served by this group's handlers are built here. */
  readonly topology: Pick<Topology, 'routes' | 'queueConsumers' | 'schedules' | 'queues'>;
  readonly http: OmsHttpApi;
  readonly targets: GrantTargets;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * One group of handler functions (lib/handlers.ts `FUNCTION_GROUPS`) with everything that
 * invokes them: their HTTP routes on the shared API, their queue event sources and schedules.
 * A route costs about 8 resources here and none in the API's own stack.
 */
export class FunctionsStack extends Stack {
  readonly functions = new Map<string, HandlerFunction>();

  constructor(scope: Construct, id: string, props: FunctionsStackProps) {
    super(scope, id, props);
    const { topology, handlers } = props;

    for (const [handler, use] of handlers) {
      const fn = new HandlerFunction(this, handlerId(handler), {
        handler,
        description: `OMS ${[...use.kinds].join('+')} ${handler}`,
        environment: props.environment,
        timeout: timeoutOf(use),
        logRetention: props.logRetention,
        files: [...use.files],
        packages: [...use.packages],
      });
      grantAccess(fn.role, use.access, props.targets);
      this.functions.set(handler, fn);
    }
    if (handlers.size > 0) acknowledgeGrantWildcards(this, props.targets);

    for (const route of topology.routes) {
      const fn = this.functions.get(route.handler);
      if (fn) props.http.addRoute(this, route, fn);
    }

    for (const consumer of topology.queueConsumers) {
      const fn = this.functions.get(consumer.handler);
      if (!fn) continue;
      // SQS would hand a message still being handled to a second invocation.
      const visibility = topology.queues[consumer.queue].visibilityTimeoutSeconds;
      const timeout = fn.fn.timeout?.toSeconds() ?? 3;
      if (visibility < timeout)
        throw new Error(
          `queue ${consumer.queue}: visibility timeout ${visibility}s is shorter than ${consumer.handler}'s timeout ${timeout}s`,
        );
      fn.fn.addEventSource(
        new SqsEventSource(props.targets.queues[consumer.queue].queue, {
          batchSize: consumer.batchSize,
          // Only the failed messages of a batch are retried, not the whole batch.
          reportBatchItemFailures: true,
        }),
      );
    }

    for (const schedule of topology.schedules) {
      const fn = this.functions.get(schedule.handler)?.fn;
      if (!fn) continue;
      if (schedule.everySeconds < 60 || schedule.everySeconds % 60 !== 0) {
        throw new Error(
          `schedule ${schedule.name}: EventBridge Scheduler runs at whole minutes, got ${schedule.everySeconds}s`,
        );
      }
      const role = new iam.Role(this, `Schedule${pascal(schedule.name)}Role`, {
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
        description: `EventBridge Scheduler invoking ${schedule.handler}`,
      });
      new scheduler.Schedule(this, `Schedule${pascal(schedule.name)}`, {
        description: `OMS ${schedule.name}`,
        schedule: scheduler.ScheduleExpression.rate(Duration.seconds(schedule.everySeconds)),
        target: new schedulerTargets.LambdaInvoke(fn, { retryAttempts: 2, role }),
      });
      const fnId = this.getLogicalId(fn.node.defaultChild as never);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`,
        reason: `CDK's grantInvoke adds the function's qualified ARNs (<fn>:*, its versions and aliases); the role can invoke ${schedule.handler} and nothing else.`,
      });
    }
  }
}
