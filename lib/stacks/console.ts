import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ConsoleSite, type ConsoleSiteProps } from '../constructs/console.ts';

export type ConsoleStackProps = StackProps & ConsoleSiteProps;

/**
 * The web console (S3 behind CloudFront). It only reads the HTTP API's and the stream's URLs, so
 * it deploys after them and nothing depends on it.
 */
export class ConsoleStack extends Stack {
  readonly site: ConsoleSite;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    this.site = new ConsoleSite(this, 'Console', props);
    new CfnOutput(this, 'ConsoleUrl', { value: this.site.url, description: 'OMS web console' });
  }
}
