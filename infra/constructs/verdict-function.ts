/**
 * One Verdict Lambda function (an entry of the function table, infra/function-table.ts): an ESM
 * bundle built with the local esbuild (no Docker), its own role (no managed policies), a KMS-encrypted log
 * group kept a year and X-Ray tracing. A gate's bundle carries the OPA policy bundle, the report worker's
 * the font metrics pdfkit reads; functions invoked asynchronously (by rules) send failed invocations to an
 * SQS destination; the API, invoked synchronously, needs none.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { PDFKIT_DIRNAME_BANNER, PDFKIT_FONT_FILES } from '../../functions/reports/formats/pdf-bundling.ts';
import type { FunctionSpec } from '../../functions/routes.ts';
import { REPO_ROOT } from '../paths.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { logGroupNamePrefix } from './governance-storage.ts';

/** Where the policy bundle lands inside the deployment package (the function's code is at /var/task). */
const POLICY_BUNDLE_IN_PACKAGE = 'policy/bundle.tar.gz';
export const POLICY_BUNDLE_RUNTIME_PATH = `/var/task/${POLICY_BUNDLE_IN_PACKAGE}`;

/**
 * SHA-256 of the bundle file's bytes, read at synth time from the very file the package copies. Without
 * bundling (`cdk ls`, another stack deployed) the file may be absent: "" then, which no gate accepts.
 */
export function policyBundleSha256(path: string): string {
  return existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : '';
}

/**
 * Retained log groups have fixed names: RETAIN_ON_UPDATE_OR_DELETE keeps them when the stack is updated or
 * deleted but lets a failed first deployment's rollback remove them, so the next attempt can create them.
 */
export function logGroupRemovalPolicy(retainData: boolean): RemovalPolicy {
  return retainData ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY;
}

/** Defines `require` inside the ESM bundle for CommonJS dependencies that call it. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** Where the bundle carries pdfkit's standard font metrics: `<bundle dir>/data/` (see formats/pdf.ts). */
export const PDFKIT_FONTS_IN_PACKAGE = 'data';

/** node_modules/pdfkit/js/data, wherever npm put pdfkit. */
export function pdfkitFontDirectory(): string {
  return join(dirname(createRequire(import.meta.url).resolve('pdfkit/package.json')), 'js', 'data');
}

/** Lambda's own retries of a failed asynchronous invocation (0-2), and how long an event may wait. */
const ASYNC_RETRY_ATTEMPTS = 2;
const ASYNC_MAX_EVENT_AGE = Duration.hours(6);

export function missingPolicyBundleMessage(path: string): string {
  return `Policy bundle not found at ${path}. Build it with \`npm run build:policies\` before \`cdk synth\` or \`cdk deploy\`.`;
}

/** The deployment package would lack its policies: synth stops (see missingPolicyBundleMessage). */
export class MissingPolicyBundleError extends Error {
  override readonly name = 'MissingPolicyBundleError';
  constructor(readonly path: string) {
    super(missingPolicyBundleMessage(path));
  }
}

export interface VerdictFunctionProps {
  /** The function's name in the function table (infra/function-table.ts). */
  name: string;
  spec: FunctionSpec;
  key: kms.IKey;
  /**
   * The OPA bundle copied into the package (a gate) at POLICY_BUNDLE_RUNTIME_PATH; must exist whenever this
   * stack is bundled. The environment names it (the function table sets VERDICT_POLICY_BUNDLE*).
   */
  policyBundlePath?: string;
  /**
   * Renders PDFs with pdfkit (the report worker): the bundle gets PDFKIT_DIRNAME_BANNER and pdfkit's
   * standard font metrics (PDFKIT_FONT_FILES) in `<bundle dir>/data/`. Default false.
   */
  pdfFonts?: boolean;
  /** Invoked asynchronously (EventBridge): retries and a failure queue. Default true. */
  asyncInvocation?: boolean;
  /** Typed per function by its environment module (see the function table); given the function's role. */
  environment: Record<string, string> | ((role: iam.IRole) => Record<string, string>);
  retainData: boolean;
  /**
   * Ship source maps and run with --enable-source-maps (readable stack traces). Production bundles carry
   * none: a map would ship the code's structure and cost cold-start time. Default false.
   */
  sourceMaps?: boolean;
  /** Reserved concurrency: at most this many invocations at once (and always that many available). */
  reservedConcurrency?: number;
}

export class VerdictFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** Receives invocation records of events that failed every async attempt (or grew too old). */
  readonly failureQueue: sqs.Queue | undefined;

  constructor(scope: Construct, id: string, props: VerdictFunctionProps) {
    super(scope, id);
    const { name, spec, key } = props;
    const stack = Stack.of(this);
    const policyBundle =
      props.policyBundlePath === undefined ? undefined : policyBundleSource(this, props.policyBundlePath);
    const pdfFonts = props.pdfFonts ? projectPath(pdfkitFontDirectory()) : undefined;
    const source = (file: { path: string; isInsideProject: boolean }, inputDir: string) =>
      file.isInsideProject ? `${inputDir}/${file.path}` : file.path;
    const afterBundling = (inputDir: string, outputDir: string): string[] => [
      ...(policyBundle
        ? [
            `test -f "${source(policyBundle, inputDir)}" || { echo "${missingPolicyBundleMessage(source(policyBundle, inputDir)).replaceAll('`', '')}" >&2; exit 1; }`,
            `mkdir -p "${outputDir}/policy"`,
            `cp "${source(policyBundle, inputDir)}" "${outputDir}/${POLICY_BUNDLE_IN_PACKAGE}"`,
          ]
        : []),
      ...(pdfFonts
        ? [
            `mkdir -p "${outputDir}/${PDFKIT_FONTS_IN_PACKAGE}"`,
            ...PDFKIT_FONT_FILES.map(
              (font) =>
                `cp "${source(pdfFonts, inputDir)}/${font}" "${outputDir}/${PDFKIT_FONTS_IN_PACKAGE}/${font}"`,
            ),
          ]
        : []),
    ];

    // An explicit role without AWSLambdaBasicExecutionRole: logs are granted on this function's group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Verdict ${name}: execution role`,
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `${logGroupNamePrefix(this)}${name}`,
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
      removalPolicy: logGroupRemovalPolicy(props.retainData),
    });
    this.logGroup.grantWrite(this.role);
    const sourceMaps = props.sourceMaps ?? false;

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, spec.entry),
      handler: 'handler',
      description: spec.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      ...(spec.ephemeralStorageMb !== undefined && {
        ephemeralStorageSize: Size.mebibytes(spec.ephemeralStorageMb),
      }),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      tracing: lambda.Tracing.ACTIVE,
      ...(props.reservedConcurrency !== undefined && {
        reservedConcurrentExecutions: props.reservedConcurrency,
      }),
      environment: {
        ...(typeof props.environment === 'function' ? props.environment(this.role) : props.environment),
        ...(sourceMaps && { NODE_OPTIONS: '--enable-source-maps' }),
      },
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: sourceMaps,
        ...(sourceMaps && { sourcesContent: false }),
        forceDockerBundling: false,
        mainFields: ['module', 'main'],
        banner: pdfFonts ? `${ESM_REQUIRE_BANNER} ${PDFKIT_DIRNAME_BANNER}` : ESM_REQUIRE_BANNER,
        // Bundle the AWS SDK too: the deployed code runs the SDK versions it was tested with, not whatever
        // the runtime ships that day. Decisions must be reproducible from the package alone.
        externalModules: [],
        ...((policyBundle || pdfFonts) && {
          commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling },
        }),
      },
    });

    this.failureQueue = undefined;
    if (props.asyncInvocation ?? true) {
      this.failureQueue = deadLetterQueue(this, 'FailureQueue', key, `failed async invocations of ${name}`);
      this.function.configureAsyncInvoke({
        onFailure: new SqsFailureDestination(this.failureQueue),
        retryAttempts: ASYNC_RETRY_ATTEMPTS,
        maxEventAge: ASYNC_MAX_EVENT_AGE,
      });
      // Lambda writes to the encrypted queue with the function's role; only through SQS.
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'EncryptFailureRecords',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` } },
        }),
      );
    }

    NagSuppressions.addResourceSuppressions(this.function, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'Pinned to nodejs22.x on purpose: the bundle targets node22 and the handlers are tested on Node 22; move runtime and esbuild target together.',
      },
    ]);
    NagSuppressions.addResourceSuppressions(
      this.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'X-Ray PutTraceSegments and PutTelemetryRecords do not support resource-level permissions; AWS requires Resource "*" for active tracing.',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
  }
}

/**
 * Lambda's SqsDestination grants kms:ReEncrypt* and kms:GenerateDataKey* on the queue key; this one grants
 * sqs:SendMessage on the queue only (the KMS statement above is narrower and conditioned on SQS).
 */
class SqsFailureDestination implements lambda.IDestination {
  constructor(private readonly queue: sqs.IQueue) {}

  bind(_scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SendFailureRecords',
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
      }),
    );
    return { destination: this.queue.queueArn };
  }
}

/**
 * Checks the bundle exists when this stack will actually be bundled (so `cdk ls` or a deploy of another
 * stack does not need it) and says how the bundling hook should reach it.
 */
function policyBundleSource(scope: Construct, path: string): { path: string; isInsideProject: boolean } {
  if (Stack.of(scope).bundlingRequired && !existsSync(path)) {
    throw new MissingPolicyBundleError(path);
  }
  return projectPath(path);
}

/** A path as the bundling hooks see it: relative to the project root when inside it, else absolute. */
function projectPath(path: string): { path: string; isInsideProject: boolean } {
  const fromRoot = relative(REPO_ROOT, path);
  const isInsideProject = fromRoot !== '' && !fromRoot.startsWith('..') && !isAbsolute(fromRoot);
  return isInsideProject
    ? { path: fromRoot.split('\\').join('/'), isInsideProject }
    : { path, isInsideProject };
}
