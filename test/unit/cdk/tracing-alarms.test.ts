/**
 * Tracing and the broker-connection alarms in the synthesized app: X-Ray on every function and
 * state machine with only the X-Ray actions it needs; the same alarms for a connection declared at
 * deploy time (CDK) and one created at run time (the provisioner's PutMetricAlarm states), named
 * with the prefix its IAM grant is limited to; and the all-connections alarms over both.
 */
import { describe, expect, it } from '@jest/globals';
import { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import {
  CONNECTION_ALARM_PREFIX,
  CONNECTION_ALARMS,
  connectionAlarmName,
} from '../../../lib/constructs/connection-alarms.ts';
import { METRICS } from '../../../adapters/metrics/catalog.ts';
import { synth } from './support.ts';

const real = synth();
/** Objects by key, each as loosely typed as the assertions library gives template resources. */
type Objects = ReturnType<Template['findResources']>;
type Resource = Objects[string];
const resources: Objects = real.template.toJSON().Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** A state machine's definition with every CloudFormation token replaced by `<token>`, parsed. */
function definitionOf(machine: Resource): { States: Objects } {
  const body = machine.Properties.DefinitionString as string | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<token>')).join('');
  return JSON.parse(text) as { States: Objects };
}

/** Every policy statement attached to the role `roleId`. */
function statementsOf(
  roleId: string,
): Array<{ Effect: string; Action: string | string[]; Resource: unknown }> {
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

const actionsOf = (s: { Action: string | string[] }) => [s.Action].flat();

describe('X-Ray tracing', () => {
  const functions = ofType('AWS::Lambda::Function');
  const machines = ofType('AWS::StepFunctions::StateMachine');

  it('every Lambda function, the project’s and CDK’s own, has active tracing', () => {
    expect(functions.length).toBeGreaterThan(10);
    for (const [id, fn] of functions)
      expect({ id, tracing: fn.Properties.TracingConfig }).toEqual({ id, tracing: { Mode: 'Active' } });
  });

  it('every function role may write trace segments and telemetry, and nothing else of X-Ray', () => {
    for (const [id, fn] of functions) {
      const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const xray = statementsOf(roleId).filter((s) => actionsOf(s).some((a) => a.startsWith('xray:')));
      const actions = xray.flatMap(actionsOf).sort();
      expect({ id, actions }).toEqual({ id, actions: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'] });
      // X-Ray's write actions take no resource-level permission: '*' is the narrowest there is.
      for (const s of xray) expect(s.Resource).toBe('*');
    }
  });

  it('every state machine has tracing enabled, with the X-Ray actions Step Functions needs only', () => {
    expect(machines.length).toBeGreaterThanOrEqual(1);
    for (const [id, machine] of machines) {
      expect({ id, tracing: machine.Properties.TracingConfiguration }).toEqual({
        id,
        tracing: { Enabled: true },
      });
      const roleId = (machine.Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const actions = statementsOf(roleId)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('xray:'))
        .sort();
      expect(actions).toEqual([
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    }
  });

  it('no policy grants X-Ray or CloudWatch with a service-wide action', () => {
    const wildcards = ofType('AWS::IAM::Policy')
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>)
      .flatMap(actionsOf)
      .filter((a) => a === 'xray:*' || a === 'cloudwatch:*' || a === '*');
    expect(wildcards).toEqual([]);
  });

  it('the API stages are HTTP and WebSocket (API Gateway v2), which X-Ray cannot trace; a REST stage would be traced', () => {
    // docs/observability.md: API Gateway offers X-Ray for REST APIs only. The Lambda behind each
    // route starts the trace instead. Should a REST API ever be added, its stage must trace.
    const v2 = ofType('AWS::ApiGatewayV2::Stage');
    expect(v2).toHaveLength(2);
    const protocols = ofType('AWS::ApiGatewayV2::Api')
      .map(([, api]) => api.Properties.ProtocolType)
      .sort();
    expect(protocols).toEqual(['HTTP', 'WEBSOCKET']);
    for (const [id, stage] of ofType('AWS::ApiGateway::Stage'))
      expect({ id, tracing: stage.Properties.TracingEnabled }).toEqual({ id, tracing: true });
  });
});

describe('broker connection alarms', () => {
  const [, provisioner] = ofType('AWS::StepFunctions::StateMachine').find(([id]) =>
    id.startsWith('ConnectionsStateMachine'),
  )!;
  const { States } = definitionOf(provisioner);
  const topic = ofType('AWS::SNS::Topic')[0]![1];
  const staticAlarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);

  it('the provisioner puts every connection alarm once the bridge service exists, named by the connection', () => {
    const puts = CONNECTION_ALARMS.map((spec) => States[`PutAlarm${spec.id}`]!);
    expect(States.CreateService!.Next).toBe(`PutAlarm${CONNECTION_ALARMS[0]!.id}`);
    puts.forEach((state, i) => {
      const spec = CONNECTION_ALARMS[i]!;
      expect(state.Resource).toBe('arn:<token>:states:::aws-sdk:cloudwatch:putMetricAlarm');
      expect(state.Parameters['AlarmName.$']).toBe(
        `States.Format('${CONNECTION_ALARM_PREFIX}{}-${spec.suffix}', $.names.connectionId)`,
      );
      expect(state.Parameters).toMatchObject({
        Namespace: 'OMS',
        MetricName: METRICS[spec.metric].name,
        Dimensions: [
          { Name: 'service', Value: 'oms' },
          { Name: 'connection', 'Value.$': '$.names.connectionId' },
        ],
        Statistic: spec.statistic,
        Threshold: spec.threshold,
        ComparisonOperator: spec.comparison,
        EvaluationPeriods: spec.evaluationPeriods,
        TreatMissingData: spec.treatMissingData,
        ActionsEnabled: true,
        AlarmActions: [`arn:<token>:sns:<token>:<token>:${topic.Properties.TopicName}`],
      });
      if (i < puts.length - 1) expect(state.Next).toBe(`PutAlarm${CONNECTION_ALARMS[i + 1]!.id}`);
      else expect(state.End).toBe(true);
    });
  });

  it('the alarms notify the Monitoring stack’s topic, addressed by its name', () => {
    expect(topic.Properties.TopicName).toBe('Oms-alarms');
    // A name, not a reference: the Monitoring stack depends on the Bridge stack, never the reverse.
    expect(real.oms.bridgeStack.dependencies).not.toContain(real.oms.monitoringStack);
  });

  it('on connection.deleted the alarms are deleted first, and the teardown goes on without them', () => {
    const event = States.Event!.Choices as Array<{ StringEquals: string; Next: string }>;
    expect(event.find((c) => c.StringEquals === 'connection.deleted')?.Next).toBe('DeleteAlarms');
    const remove = States.DeleteAlarms!;
    expect(remove.Resource).toBe('arn:<token>:states:::aws-sdk:cloudwatch:deleteAlarms');
    expect(remove.Parameters['AlarmNames.$']).toBe(
      `States.Array(${CONNECTION_ALARMS.map(
        (s) => `States.Format('${CONNECTION_ALARM_PREFIX}{}-${s.suffix}', $.names.connectionId)`,
      ).join(', ')})`,
    );
    expect(remove.Next).toBe('StopService');
    expect(remove.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.alarmsError', Next: 'StopService' },
    ]);
  });

  it('the state machine may put and delete only alarms named with the connection prefix', () => {
    const roleId = (provisioner.Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const cloudwatch = statementsOf(roleId).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('cloudwatch:')),
    );
    expect(cloudwatch.flatMap(actionsOf).sort()).toEqual([
      'cloudwatch:deleteAlarms',
      'cloudwatch:putMetricAlarm',
    ]);
    for (const s of cloudwatch) {
      expect(s.Effect).toBe('Allow');
      const resource = JSON.stringify(Stack.of(real.oms.bridgeStack).resolve(s.Resource));
      expect(resource).toContain(`:alarm:${CONNECTION_ALARM_PREFIX}*`);
      expect(resource).toMatch(/AWS::Region.*AWS::AccountId/);
    }
  });

  it('a connection declared at deploy time gets the same alarms as one created at run time', () => {
    for (const spec of CONNECTION_ALARMS) {
      const put = States[`PutAlarm${spec.id}`]!.Parameters;
      const deployed = staticAlarms.filter(
        (a) =>
          a.MetricName === METRICS[spec.metric].name &&
          JSON.stringify(a.Dimensions).includes('"Value":"default"'),
      );
      expect(deployed).toHaveLength(1);
      const [alarm] = deployed;
      expect({
        Statistic: alarm!.Statistic,
        Period: alarm!.Period,
        Threshold: alarm!.Threshold,
        ComparisonOperator: alarm!.ComparisonOperator,
        EvaluationPeriods: alarm!.EvaluationPeriods,
        TreatMissingData: alarm!.TreatMissingData,
      }).toEqual({
        Statistic: put.Statistic,
        Period: put.Period,
        Threshold: put.Threshold,
        ComparisonOperator: put.ComparisonOperator,
        EvaluationPeriods: put.EvaluationPeriods,
        TreatMissingData: put.TreatMissingData,
      });
      expect(alarm!.AlarmDescription).toBe(spec.description.replace('{}', 'default'));
      expect(connectionAlarmName(spec, 'c42')).toBe(`oms-connection-c42-${spec.suffix}`);
    }
  });

  it('all-connection alarms aggregate every connection with Metrics Insights, and notify the topic', () => {
    const insights = staticAlarms.filter((a) =>
      JSON.stringify(a.Metrics ?? []).includes('FROM SCHEMA(\\"OMS\\", connection, service)'),
    );
    const queries = insights.map((a) => (a.Metrics as Array<{ Expression: string }>)[0]!.Expression).sort();
    expect(queries).toEqual(
      [
        'SELECT MIN(oms_bridge_connected) FROM SCHEMA("OMS", connection, service)',
        'SELECT SUM(oms_pacing_errors_total) FROM SCHEMA("OMS", connection, service)',
        'SELECT SUM(oms_reconciliation_mismatches_total) FROM SCHEMA("OMS", connection, service)',
      ].sort(),
    );
    for (const alarm of insights) {
      expect((alarm.Metrics as Array<{ Period: number }>)[0]!.Period).toBe(60);
      expect(alarm.AlarmActions).toHaveLength(1);
    }
  });

  it('the dashboard graphs every connection through SEARCH, so run-time connections appear', () => {
    const [, dashboard] = ofType('AWS::CloudWatch::Dashboard')[0]!;
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of [
      'oms_bridge_connected',
      'oms_pacing_errors_total',
      'oms_reconciliation_mismatches_total',
    ])
      expect(body).toContain(`SEARCH('{OMS,connection,service} MetricName=\\\\\\"${metric}\\\\\\"'`);
  });
});
