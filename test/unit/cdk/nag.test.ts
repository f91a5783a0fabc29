import { describe, expect, it } from '@jest/globals';
import { Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { addNagPlugin, fullTopology, nagFindings, publicOnlyTopology, synth } from './support.ts';

// cdk-nag 3 is a policy-validation plugin; `validateScope` runs the same AwsSolutions rules
// over the synthesized construct tree and returns what `cdk synth` would report.
const full = synth({ topology: fullTopology, alarmEmail: 'ops@example.com' });

describe('cdk-nag AwsSolutions', () => {
  it('reports nothing unacknowledged for the real topology', () => {
    expect(nagFindings(synth().app)).toEqual([]);
  });

  it('reports nothing unacknowledged with fixture routes with grants, a consumer and a schedule', () => {
    expect(nagFindings(full.app)).toEqual([]);
  });

  it('every acknowledgement carries a specific reason', () => {
    const reasons: string[] = [];
    for (const construct of full.app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
          reasons.push(...Object.values(entry.data as Record<string, string>));
        }
      }
    }
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason.length).toBeGreaterThan(40);
  });

  it('catches a finding that is not acknowledged, and synthesis with the plugin fails on it', () => {
    const { app, oms } = synth({ topology: publicOnlyTopology });
    // A queue without encryption, TLS enforcement or DLQ: three findings nobody acknowledged.
    new sqs.Queue(oms.messagingStack, 'Careless', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    const rules = nagFindings(app).map((f) => f.rule);
    expect(rules).toEqual(
      expect.arrayContaining(['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']),
    );
    addNagPlugin(app);
    expect(() => app.synth({ force: true })).toThrow(/AwsSolutions-SQS2/);
  });
});
