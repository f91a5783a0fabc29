import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

/** The project root, where topology handler paths are resolved. */
export const projectRoot = join(import.meta.dirname, '..');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers take the event shape of their trigger
export type LambdaHandler = (event: any, context: Context) => Promise<any>;

const loaded = new Map<string, Promise<LambdaHandler>>();

/** Imports a handler module once, as Lambda would keep it warm. */
export function loadHandler(file: string): Promise<LambdaHandler> {
  let handler = loaded.get(file);
  if (!handler) {
    handler = import(pathToFileURL(join(projectRoot, file)).href).then((mod: { handler?: LambdaHandler }) => {
      if (typeof mod.handler !== 'function') throw new Error(`${file} does not export a handler function`);
      return mod.handler;
    });
    loaded.set(file, handler);
  }
  return handler;
}

/** A Lambda context as the runtime would pass it (`timeoutMs`: the function's timeout). */
export function lambdaContext(functionName: string, requestId = randomUUID(), timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A readable function name from a handler path: functions/orders/place.ts → orders-place. */
export function functionName(file: string): string {
  return file
    .replace(/^functions\//, '')
    .replace(/\.ts$/, '')
    .replaceAll('/', '-');
}
