import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger every handler shares; created once per runtime so cold starts pay for it once. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'oms' });
