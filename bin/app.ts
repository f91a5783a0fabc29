import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OmsApp } from '../lib/oms-app.ts';

const app = new App();

const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return value === undefined || value === null || value === '' ? undefined : String(value);
};

// Stacks `<stackName>-Data`, `-Messaging`, `-Identity`, `-Api`, `-Api<Group>`, `-Bridge`,
// `-Monitoring` (lib/oms-app.ts); `cdk deploy --all` deploys them in dependency order.
new OmsApp(app, {
  prefix: context('stackName') ?? 'Oms',
  // Environment-agnostic unless the CLI knows the target: nothing here looks anything up.
  ...(process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
    ? { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } }
    : {}),
  ib: {
    host: context('ibHost'),
    port: context('ibPort'),
    clientId: context('ibClientId'),
    account: context('ibAccount'),
  },
  alarmEmail: context('alarmEmail'),
  // e.g. -c 'settings={"OMS_MARKET_DATA_LINES":"200"}', or a "settings" object in cdk.json.
  settings: settingsContext(app.node.tryGetContext('settings')),
});

function settingsContext(value: unknown): Record<string, string> {
  if (value === undefined || value === null || value === '') return {};
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('the "settings" context must be an object of environment variable names to values');
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

// Synthesis fails on any AwsSolutions finding not acknowledged in lib/ with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
