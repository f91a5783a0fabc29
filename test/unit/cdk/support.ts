import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as topology from '../../../core/topology.ts';
import { OmsStack, type OmsStackProps } from '../../../lib/oms-stack.ts';
import type { Topology } from '../../../lib/topology.ts';

export const FIXTURE_HANDLER = 'test/unit/cdk/fixtures/handler.ts';

/** The real topology plus what the access and orders work will add: an authorizer, caller routes, a consumer, a schedule. */
export const fullTopology: Topology = {
  ...topology,
  authorizer: 'test/unit/cdk/fixtures/authorizer.ts',
  routes: [
    ...topology.routes,
    {
      method: 'POST',
      path: '/test/v1/login',
      handler: 'test/unit/cdk/fixtures/login.ts',
      auth: 'public',
    },
    {
      method: 'POST',
      path: '/test/v1/orders',
      handler: FIXTURE_HANDLER,
      auth: 'caller',
      access: ['table:read', 'table:write', 'orders:send'],
    },
    {
      method: 'GET',
      path: '/test/v1/orders/{id}',
      handler: 'test/unit/cdk/fixtures/read.ts',
      auth: 'caller',
      access: ['table:read'],
    },
    {
      method: 'POST',
      path: '/test/v1/tenants',
      handler: 'test/unit/cdk/fixtures/tenants.ts',
      auth: 'caller',
      access: ['table:write', 'users:manage'],
    },
  ],
  queueConsumers: [
    {
      queue: 'webhooks',
      handler: 'test/unit/cdk/fixtures/webhooks.ts',
      batchSize: 10,
      access: ['table:read', 'table:write'],
    },
  ],
  schedules: [
    {
      name: 'expire-orders',
      handler: 'test/unit/cdk/fixtures/expire.ts',
      everySeconds: 300,
      access: ['table:read', 'table:write', 'events:put'],
    },
  ],
};

// Cloud assemblies written by this file's syntheses, removed when the file's tests are done.
const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The real topology without its authorizer and `caller` routes: the API then has no authorizer at all. */
export const publicOnlyTopology: Topology = {
  ...topology,
  authorizer: undefined,
  routes: topology.routes.filter((r) => r.auth === 'public'),
  stream: undefined,
};

export interface Synth {
  readonly app: App;
  readonly stack: OmsStack;
  readonly template: Template;
}

/**
 * Synthesizes one stack. Bundling is off unless asked for (`aws:cdk:bundling-stacks: []`):
 * NodejsFunction then stages the project root as-is instead of running esbuild per function.
 */
export function synth(props: OmsStackProps = {}, options: { bundle?: boolean; outdir?: string } = {}): Synth {
  const outdir = options.outdir ?? mkdtempSync(path.join(tmpdir(), 'oms-cdk-'));
  if (!options.outdir) outdirs.push(outdir);
  const app = new App({
    outdir,
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new OmsStack(app, 'Oms', props);
  const template = Template.fromStack(stack);
  return { app, stack, template };
}

export interface NagFinding {
  readonly rule: string;
  readonly severity: string;
  readonly resources: string[];
  readonly description: string;
}

/** Runs the AwsSolutions pack over a synthesized app and returns every unacknowledged finding. */
export function nagFindings(app: App): NagFinding[] {
  const report = new AwsSolutionsChecks(app).validateScope(app);
  return report.violations.map((v) => ({
    rule: v.ruleName,
    severity: String(v.severity),
    resources: v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId ?? '?'),
    description: v.description,
  }));
}

/** The pack as `bin/app.ts` registers it, for the test that proves synthesis itself fails on findings. */
export function addNagPlugin(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
