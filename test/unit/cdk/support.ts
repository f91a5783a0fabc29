import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import * as topology from '../../../core/topology.ts';
import { OmsApp, type OmsAppProps } from '../../../lib/oms-app.ts';
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
  readonly oms: OmsApp;
  /** Every stack's template, by stack name. */
  readonly templates: ReadonlyMap<string, Template>;
  /** The whole deployment: the same queries as a Template, answered over every stack. */
  readonly template: DeploymentTemplate;
}

type Resources = ReturnType<Template['findResources']>;
type TemplateJson = ReturnType<Template['toJSON']>;

/**
 * The assertions of `Template`, over all the stacks of a deployment at once: a resource the
 * tests look for may be in any stack, and counts are totals. Logical ids are unique across the
 * deployment (checked), so a `Ref` or `Fn::GetAtt` found in one stack names one resource.
 */
export class DeploymentTemplate {
  private readonly templates: ReadonlyMap<string, Template>;

  constructor(templates: ReadonlyMap<string, Template>) {
    this.templates = templates;
    const seen = new Map<string, string>();
    for (const [name, template] of templates) {
      for (const id of Object.keys(template.toJSON().Resources ?? {})) {
        const other = seen.get(id);
        if (other) throw new Error(`logical id ${id} is in both ${other} and ${name}`);
        seen.set(id, name);
      }
    }
  }

  findResources(type: string, props?: unknown): Resources {
    const found: Resources = {};
    for (const template of this.templates.values()) Object.assign(found, template.findResources(type, props));
    return found;
  }

  resourceCountIs(type: string, count: number): void {
    const total = [...this.templates.values()].reduce(
      (n, template) => n + Object.keys(template.findResources(type)).length,
      0,
    );
    if (total !== count) throw new Error(`expected ${count} ${type} in the deployment, found ${total}`);
  }

  hasResourceProperties(type: string, props: unknown): void {
    this.inSomeStack((template) => template.hasResourceProperties(type, props));
  }

  hasResource(type: string, props: unknown): void {
    this.inSomeStack((template) => template.hasResource(type, props));
  }

  /** Resources and parameters of every stack, merged. */
  toJSON(): TemplateJson {
    const merged: TemplateJson = { Resources: {}, Parameters: {} };
    for (const template of this.templates.values()) {
      const json = template.toJSON();
      Object.assign(merged.Resources, json.Resources ?? {});
      Object.assign(merged.Parameters, json.Parameters ?? {});
    }
    return merged;
  }

  private inSomeStack(assertion: (template: Template) => void): void {
    const failures: string[] = [];
    for (const [name, template] of this.templates) {
      try {
        assertion(template);
        return;
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    }
    throw new Error(`no stack matches:\n${failures.join('\n')}`);
  }
}

/** A construct's logical id in its own stack's template. */
export function logicalIdOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild ?? construct;
  return Stack.of(construct).getLogicalId(resource as never);
}

/**
 * Synthesizes the OMS's stacks. Bundling is off unless asked for (`aws:cdk:bundling-stacks: []`):
 * NodejsFunction then stages the project root as-is instead of running esbuild per function.
 */
export function synth(props: OmsAppProps = {}, options: { bundle?: boolean; outdir?: string } = {}): Synth {
  const outdir = options.outdir ?? mkdtempSync(path.join(tmpdir(), 'oms-cdk-'));
  if (!options.outdir) outdirs.push(outdir);
  const app = new App({
    outdir,
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
  const oms = new OmsApp(app, props);
  const templates = new Map(oms.stacks.map((stack) => [stack.stackName, Template.fromStack(stack)]));
  return { app, oms, templates, template: new DeploymentTemplate(templates) };
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
