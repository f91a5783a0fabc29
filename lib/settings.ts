import { Annotations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { MARKET_DATA_ENV, marketDataConfig } from '../core/marketdata/config.ts';
import * as defaultTopology from '../core/topology.ts';
import type { Topology } from './topology.ts';

/**
 * Topology env names that point at a resource (`tableName`, `ordersQueueUrl`, ...). Any other
 * name is application tuning or local-only (the local identity provider's key, loopback
 * webhooks) and stays unset in AWS, so the application's defaults apply.
 */
export const RESOURCE_ENV = /(Name|Url|Id|Arn)$/;

/** The settings an operator may give the deployment, and a check of their values. */
export function checkSettings(settings: Record<string, string>): Record<string, string> {
  const rateLimits = Object.entries(defaultTopology.env)
    .filter(([key]) => key.startsWith('rateLimit'))
    .map(([, name]) => name);
  const known = new Set<string>([...Object.values(MARKET_DATA_ENV), ...rateLimits]);
  const unknown = Object.keys(settings).filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new Error(`unknown settings ${unknown.join(', ')}; known: ${[...known].sort().join(', ')}`);
  for (const name of rateLimits) {
    const value = settings[name];
    if (value !== undefined && !/^[1-9]\d*$/.test(value))
      throw new Error(`${name} must be a positive whole number, not ${value}`);
  }
  // Throws with the variable's name on a malformed market data value.
  marketDataConfig(settings);
  return { ...settings };
}

/**
 * Values for the topology's environment variable names, shared by every function and the
 * bridge. `values` is keyed like `topology.env` (`tableName`, `ordersQueueUrl`, ...); a resource
 * name the app has no value for is reported on `scope` and left unset.
 */
export function resourceEnvironment(
  topology: Pick<Topology, 'env'>,
  values: Readonly<Record<string, string>>,
  scope: IConstruct,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [key, name] of Object.entries(topology.env)) {
    const value = values[key];
    if (value === undefined && !RESOURCE_ENV.test(key)) continue;
    if (value === undefined) {
      Annotations.of(scope).addWarningV2(
        'oms:unknown-env',
        `topology.env.${key} (${name}) names no resource the CDK app knows; it is not set in AWS`,
      );
      continue;
    }
    environment[name] = value;
  }
  return environment;
}
