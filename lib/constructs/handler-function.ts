import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Duration } from 'aws-cdk-lib';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ESM_REQUIRE_BANNER, LAMBDA_ALIASES, LAMBDA_ESBUILD } from '../bundling/options.ts';
import { projectRoot } from '../topology.ts';

export { ESM_REQUIRE_BANNER };

export interface HandlerFunctionProps {
  /** Handler module relative to the project root (a TypeScript ES module exporting `handler`). */
  readonly handler: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly timeout: Duration;
  readonly memorySize?: number;
  readonly logRetention: logs.RetentionDays;
  /** Files (relative to the project root) the handler reads at run time, copied beside its bundle. */
  readonly files?: readonly string[];
  /**
   * Packages (names in the project's node_modules) the handler imports at run time: external to
   * the bundle, and copied as they are installed into the bundle's node_modules. Only for
   * packages without dependencies or platform binaries (checked: the copy is what Lambda runs).
   */
  readonly packages?: readonly string[];
}

/** One Lambda function bundled by the local esbuild from a handler file, with its own role and log group. */
export class HandlerFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly handler: string;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.handler = props.handler;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy may write to
    // every log group in the account; this one writes to its own group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `OMS ${props.handler}`,
    });
    this.logGroup.grantWrite(this.role);

    for (const name of props.packages ?? []) checkShippable(name);

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(projectRoot, props.handler),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'oms',
      },
      bundling: {
        // The settings of lib/bundling/options.ts, which the bundle-size test and the bench use too.
        format: nodejs.OutputFormat.ESM,
        target: LAMBDA_ESBUILD.target,
        platform: LAMBDA_ESBUILD.platform,
        mainFields: [...LAMBDA_ESBUILD.mainFields],
        banner: LAMBDA_ESBUILD.banner.js,
        minify: LAMBDA_ESBUILD.minify,
        esbuildArgs: Object.fromEntries(
          Object.entries(LAMBDA_ALIASES).map(([module, file]) => [`--alias:${module}`, file]),
        ),
        sourceMap: true,
        sourcesContent: false,
        externalModules: [...(props.packages ?? [])],
        ...(props.files?.length || props.packages?.length
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) => [
                  ...(props.files ?? []).map((f) => `cp "${path.join(inputDir, f)}" "${outputDir}/"`),
                  ...(props.packages ?? []).flatMap((p) => [
                    `mkdir -p "${path.join(outputDir, 'node_modules', p)}"`,
                    `cp -R "${path.join(inputDir, 'node_modules', p)}/." "${path.join(outputDir, 'node_modules', p)}/"`,
                  ]),
                ],
              },
            }
          : {}),
      },
    });

    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) do not support resource-level permissions; ' +
          'see the X-Ray service authorization reference.',
      });
    }
  }
}

/**
 * A package copied as installed must run anywhere as it is: no dependencies of its own (they would
 * not be copied) and no platform restriction or platform binaries (the copy comes from the machine
 * that synthesizes, not from linux-arm64).
 */
export function checkShippable(name: string): void {
  const manifest = JSON.parse(
    readFileSync(path.join(projectRoot, 'node_modules', name, 'package.json'), 'utf8'),
  ) as Record<string, unknown>;
  const problems = [
    ...['dependencies', 'optionalDependencies'].filter(
      (field) => Object.keys((manifest[field] as object | undefined) ?? {}).length > 0,
    ),
    ...['os', 'cpu', 'gypfile'].filter((field) => manifest[field] !== undefined),
  ];
  if (problems.length > 0)
    throw new Error(
      `${name} cannot be shipped as installed (it has ${problems.join(', ')}): bundle it, or ship a platform-independent build`,
    );
}
