/**
 * The architecture as rules (checked by `npm run lint` and by test/unit/architecture.test.ts):
 * the domain stays free of AWS, CDK and the broker client, and nothing at run time reaches into
 * the CDK app.
 */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'core/ is the domain: no AWS SDK, CDK, broker client, or any outer layer.',
      from: { path: '^core/' },
      to: {
        path: [
          '(^|/)node_modules/(@aws-sdk|@smithy|aws-cdk-lib|aws-cdk|constructs|cdk-nag|@stoqey|@middy|@aws-lambda-powertools)/',
          '^(functions|local|ib-bridge|lib|adapters|bin|strategies)/',
        ],
      },
    },
    {
      name: 'runtime-never-imports-cdk',
      severity: 'error',
      comment: 'Handlers, adapters, the bridge and the local runtime run without the CDK app.',
      from: { path: '^(core|adapters|functions|local|ib-bridge|strategies)/' },
      to: { path: ['^lib/', '(^|/)node_modules/(aws-cdk-lib|aws-cdk|cdk-nag)/'] },
    },
    {
      name: 'adapters-not-handlers',
      severity: 'error',
      comment: 'Adapters serve handlers and the bridge; they never depend on them.',
      from: { path: '^adapters/' },
      to: { path: '^(functions|ib-bridge|local|bin|strategies)/' },
    },
    {
      name: 'runtime-uses-only-production-dependencies',
      severity: 'error',
      comment:
        'The bridge image installs with --omit=dev and Lambda bundles are built from dependencies: ' +
        'code that runs in AWS must not need a devDependency.',
      from: { path: '^(core|adapters|functions|ib-bridge|strategies)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'strategy-host-is-a-service',
      severity: 'error',
      comment:
        'The strategy host and its sandbox run beside the handlers (and in AWS on their own): they use ' +
        'core/ and adapters/, never the handlers, the local runtime, the CDK app or the bridge.',
      from: { path: '^strategies/' },
      to: { path: '^(functions|local|lib|bin|test|bench|ib-bridge|paper-gateway|examples)/' },
    },
    {
      name: 'strategy-examples-import-nothing',
      severity: 'error',
      comment: 'A strategy module runs in the sandbox, which has no modules: only `import type` is allowed.',
      from: { path: '^examples/strategies/' },
      to: { dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'bridge-image-holds-what-the-bridge-imports',
      severity: 'error',
      comment:
        'The bridge image (ib-bridge/Dockerfile, .dockerignore) holds only core/, adapters/ and ib-bridge/.',
      from: { path: '^ib-bridge/' },
      to: { path: '^(functions|local|lib|bin|test|bench|paper-gateway)/' },
    },
    {
      name: 'bridge-sees-stores-through-ports',
      severity: 'error',
      comment:
        'The bridge decides nothing about storage and imports no DynamoDB: it uses the ports of ' +
        'core/bridge/ports.ts, given by the one adapter factory adapters/bridge-stores.ts.',
      from: { path: '^ib-bridge/' },
      to: {
        path: ['^adapters/', '(^|/)node_modules/@aws-sdk/(client-dynamodb|lib-dynamodb|util-dynamodb)/'],
        pathNot: '^adapters/(bridge-stores[.]ts|metrics/)',
      },
    },
    {
      name: 'stores-use-the-table-toolkit',
      severity: 'error',
      comment:
        'One client style: stores reach DynamoDB through adapters/dynamodb/table.ts (plain objects ' +
        'over the low-level client). The document client is left only to the stores that have yet to ' +
        'move: the local identity provider, the outbox drainer (built in bridge-stores.ts), and the ' +
        'connection, stream, quote-socket and backtest-bar stores (document-client.ts builds theirs).',
      from: {
        path: '^(adapters|functions|strategies)/',
        pathNot:
          '^adapters/((identity|outbox)/|bridge-stores[.]ts$|dynamodb/(document-client|connection-store|stream-store|stream-quotes|backtest-bars)[.]ts$)',
      },
      to: { path: '(^|/)node_modules/@aws-sdk/lib-dynamodb/' },
    },
    {
      name: 'paper-gateway-stands-alone',
      severity: 'error',
      comment:
        'The paper gateway is a separate product (a TWS simulator): it speaks only the wire protocol, ' +
        'so it imports nothing of the OMS, and nothing that runs in AWS imports it.',
      from: { path: '^paper-gateway/' },
      to: { path: '^(core|adapters|functions|ib-bridge|local|lib|bin)/' },
    },
    {
      name: 'client-stands-alone',
      severity: 'error',
      comment:
        'The typed client is published from the repo (package.json exports) for the CLI and other ' +
        'apps: it holds only its generated types and openapi-fetch, never the server.',
      from: { path: '^client/' },
      to: { path: '^(core|adapters|functions|ib-bridge|local|lib|bin|cli|paper-gateway)/' },
    },
    {
      name: 'cli-speaks-http-only',
      severity: 'error',
      comment: 'The oms CLI talks to the API through the typed client, like any other user of it.',
      from: { path: '^cli/' },
      to: { path: '^(core|adapters|functions|ib-bridge|local|lib|paper-gateway)/' },
    },
    {
      name: 'console-speaks-http-only',
      severity: 'error',
      comment:
        'The web console runs in the browser and talks to the API over HTTP and the stream: it may ' +
        'use the typed client (client/), never the server side.',
      from: { path: '^console/' },
      to: { path: '^(core|adapters|functions|local|ib-bridge|paper-gateway|lib|bin|test|bench)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(cdk\\.out|\\.oms|coverage|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
