/**
 * The auditor API in AWS: an API Gateway HTTP API (payload 2.0) in front of one Lambda function, with one
 * route per entry of the API route table (functions/api/route-table.ts). Every route but the public ones
 * (health, the OpenAPI document) requires IAM (SigV4) authorisation; with an OIDC issuer configured, a
 * second HTTP API serves the same routes to bearer JWTs (e.g. Cognito) instead. The function maps either
 * identity to a role (functions/api/auth/aws-principal.ts). Both stages are throttled and write access
 * logs to a KMS-encrypted log group.
 */
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { DeclaredRoute } from '../../functions/api/route-table.ts';
import { logGroupNamePrefix } from './governance-storage.ts';
import { logGroupRemovalPolicy } from './verdict-function.ts';

/** Steady-state requests per second and burst, per stage: an audit team's load, not a public API's. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

export interface AuditorApiProps {
  handler: lambda.IFunction;
  routes: readonly DeclaredRoute[];
  key: kms.IKey;
  retainData: boolean;
  /** A second endpoint for bearer JWTs from this issuer, accepted for these audiences. */
  jwt?: { issuer: string; audience: string[] };
}

export class AuditorApi extends Construct {
  /** SigV4 (IAM) callers. */
  readonly iamApi: apigwv2.HttpApi;
  /** Bearer JWT callers, when an OIDC issuer is configured. */
  readonly jwtApi: apigwv2.HttpApi | undefined;
  readonly accessLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuditorApiProps) {
    super(scope, id);
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: `${logGroupNamePrefix(this)}api-access`,
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.key,
      removalPolicy: logGroupRemovalPolicy(props.retainData),
    });
    // One integration per API: API Gateway cannot share one between APIs.
    const integration = (id: string) =>
      new HttpLambdaIntegration(id, props.handler, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      });

    this.iamApi = this.httpApi(
      'IamApi',
      'SigV4 (IAM) callers',
      props.routes,
      integration('Handler'),
      new HttpIamAuthorizer(),
    );
    this.jwtApi = props.jwt
      ? this.httpApi(
          'JwtApi',
          `bearer JWTs from ${props.jwt.issuer}`,
          props.routes,
          integration('JwtHandler'),
          new HttpJwtAuthorizer('Oidc', props.jwt.issuer, { jwtAudience: props.jwt.audience }),
        )
      : undefined;
  }

  private httpApi(
    id: string,
    callers: string,
    routes: readonly DeclaredRoute[],
    integration: HttpLambdaIntegration,
    authorizer: apigwv2.IHttpRouteAuthorizer,
  ): apigwv2.HttpApi {
    const api = new apigwv2.HttpApi(this, id, {
      description: `Verdict auditor API for ${callers}`,
      createDefaultStage: false,
    });
    new apigwv2.HttpStage(this, `${id}DefaultStage`, {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        // Who called what and how it went; never a body or a header value.
        format: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            api: callers,
            caller: '$context.identity.userArn',
            jwtSubject: '$context.authorizer.claims.sub',
            sourceIp: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    for (const route of routes) {
      const created = api.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration,
        authorizer: route.public ? new apigwv2.HttpNoneAuthorizer() : authorizer,
      });
      const cfnRoute = created[0]?.node.defaultChild;
      if (!route.public || !cfnRoute) continue;
      NagSuppressions.addResourceSuppressions(cfnRoute, [
        {
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design (probes and API clients read it before authenticating); it returns no audit data.`,
        },
      ]);
    }
    return api;
  }
}
