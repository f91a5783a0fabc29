import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { DockerImage } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface ConsoleSiteProps {
  /** The HTTP API's URL: CloudFront serves it under /api/*, so the console calls its own origin. */
  readonly apiUrl: string;
  /** The WebSocket stream's URL, written to /config.json for the console (same origin otherwise). */
  readonly streamUrl?: string | undefined;
  /** The project root holding console/ (the sources Vite builds at synth). */
  readonly projectRoot: string;
}

// Mirrors local/console-files.ts, so the console behaves alike locally and in AWS.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; connect-src 'self' wss:; img-src 'self' data:; style-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

// A page path (no file extension) gets the single-page app; /api/* has its own behavior.
const SPA_REWRITE = `function handler(event) {
  var request = event.request;
  if (request.uri.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * The web console in AWS: a private S3 bucket behind CloudFront (origin access control), the
 * console's build deployed into it, /api/* forwarded to the HTTP API uncached, and security
 * headers on every answer. Vite runs at synth (locally, no Docker) like esbuild for the handlers.
 */
export class ConsoleSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);

    const logs = new s3.Bucket(this, 'Logs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket of the console bucket and distribution; logging it to itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Site', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'OMS console security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
      },
    });

    // https://<id>.execute-api.<region>.amazonaws.com → its host name.
    const apiHost = Fn.select(2, Fn.split('/', props.apiUrl));
    const toApi: cloudfront.BehaviorOptions = {
      origin: new origins.HttpOrigin(apiHost, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };
    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'OMS web console',
      defaultRootObject: 'index.html',
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        functionAssociations: [
          {
            eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
            function: new cloudfront.Function(this, 'SpaRewrite', {
              code: cloudfront.FunctionCode.fromInline(SPA_REWRITE),
              runtime: cloudfront.FunctionRuntime.JS_2_0,
              comment: 'OMS console: page paths serve index.html',
            }),
          },
        ],
      },
      // The operator's health view reads /health/ready/details: the API's too, never the bucket's.
      additionalBehaviors: { '/api/*': toApi, '/health/*': toApi },
    });
    const cdn = this.distribution;
    for (const [rule, reason] of [
      [
        'AwsSolutions-CFR1',
        'The console is for the tenants of the OMS wherever they trade from; access is controlled by sign-in, not geography.',
      ],
      [
        'AwsSolutions-CFR2',
        'The console is static files; the API behind /api/* is throttled by API Gateway and authorized per request. A WAF web ACL can be attached by the operator.',
      ],
      [
        'AwsSolutions-CFR4',
        'The distribution uses the default CloudFront certificate (no custom domain), which only offers TLSv1; with a custom domain the minimum is TLS 1.2 (2021).',
      ],
    ] as const) {
      Validations.of(cdn).acknowledge({ id: rule, reason });
    }

    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      distribution: this.distribution,
      sources: [
        consoleBuild(props.projectRoot),
        s3deploy.Source.jsonData('config.json', props.streamUrl ? { streamUrl: props.streamUrl } : {}),
      ],
      memoryLimit: 256,
    });
    this.traceDeployment(deployment);
    this.acknowledgeDeploymentFindings(deployment);
  }

  /** X-Ray active tracing on CDK's BucketDeployment function too, as on every function of the app. */
  private traceDeployment(deployment: s3deploy.BucketDeployment): void {
    const handler = Stack.of(this).node.children.find((c) =>
      c.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    const cfn = handler?.node.defaultChild as lambda.CfnFunction | undefined;
    if (!cfn) throw new Error('the BucketDeployment function was not found: its tracing cannot be set');
    cfn.tracingConfig = { mode: 'Active' };
    deployment.handlerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        resources: ['*'],
      }),
    );
  }

  /** The console's address. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * BucketDeployment's custom-resource Lambda is CDK's, not the project's: its findings are
   * acknowledged on that function and its role only.
   */
  private acknowledgeDeploymentFindings(deployment: s3deploy.BucketDeployment): void {
    const siteArn = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as never);
    const roleFindings: Array<[string, string]> = [
      [
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'The BucketDeployment custom resource (CDK-provided) only writes its own logs with the basic execution role.',
      ],
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map(
        (action): [string, string] => [
          `AwsSolutions-IAM5[Action::${action}]`,
          `CDK’s BucketDeployment needs ${action} to sync the console build from the CDK asset bucket into the console bucket; no other bucket.`,
        ],
      ),
      [
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        'CDK’s BucketDeployment reads the staged console build from the bootstrap asset bucket.',
      ],
      [
        `AwsSolutions-IAM5[Resource::<${siteArn}.Arn>/*]`,
        'CDK’s BucketDeployment writes and prunes the console files in the console bucket only.',
      ],
      [
        'AwsSolutions-IAM5[Resource::*]',
        'CDK’s BucketDeployment invalidates the console distribution after a deploy; CloudFront invalidation cannot be scoped to one distribution by CDK here. X-Ray PutTraceSegments/PutTelemetryRecords (its active tracing) take no resource.',
      ],
    ];
    for (const [id, reason] of roleFindings)
      Validations.of(deployment.handlerRole).acknowledge({ id, reason });
    const handler = Stack.of(this).node.children.find((c) =>
      c.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (handler) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'The BucketDeployment custom resource’s runtime is chosen by aws-cdk-lib and moves with it.',
      });
    }
  }
}

/** The console's files: Vite builds them at synth (or in a Node container where it cannot). */
function consoleBuild(projectRoot: string): s3deploy.ISource {
  const consoleDir = path.join(projectRoot, 'console');
  return s3deploy.Source.asset(consoleDir, {
    exclude: ['dist', '.build-lock'],
    bundling: {
      image: DockerImage.fromRegistry('node:24-slim'),
      local: {
        tryBundle(outputDir: string): boolean {
          const vite = path.join(projectRoot, 'node_modules', 'vite', 'bin', 'vite.js');
          const run = spawnSync(
            process.execPath,
            [vite, 'build', '--config', 'console/vite.config.ts', '--outDir', outputDir, '--emptyOutDir'],
            // A test runner's NODE_ENV=test would make Vite ship React's development build.
            { cwd: projectRoot, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
          );
          return run.status === 0;
        },
      },
    },
  });
}
