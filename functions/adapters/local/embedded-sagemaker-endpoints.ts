/**
 * SageMaker real-time endpoints, embedded: what `verdict deploy --target sagemaker:NAME` runs against with
 * no AWS account. It keeps endpoints and their configs in the local database and behaves as SageMaker does
 * for the orchestration: a create goes Creating -> InService; a canary or linear update goes Updating with
 * the new fleet Baking until it is promoted; an all-at-once or rolling update goes straight to InService.
 * Each change puts the events SageMaker would put on the default bus (`SageMaker Endpoint State Change`,
 * `SageMaker Endpoint Deployment State Change`) into an outbox that the runtime delivers once the step that
 * caused them has been recorded, as EventBridge delivers them after the API call returned. Nothing is served.
 */
import { randomUUID } from 'node:crypto';
import {
  CLOUDTRAIL_API_CALL,
  type EndpointChangingCall,
  SAGEMAKER_EVENT_SOURCE,
} from '../../contracts/cloudtrail-sagemaker-call.ts';
import type { DeploymentRequest } from '../../contracts/deployment-request.ts';
import {
  ENDPOINT_DEPLOYMENT_STATE_CHANGE,
  ENDPOINT_STATE_CHANGE,
} from '../../contracts/sagemaker-endpoint-state-change.ts';
import { DeploymentError } from '../../deployments/errors.ts';
import type {
  AppliedDeployment,
  ApprovedArtifact,
  DeploymentObservation,
  DeploymentPlan,
  DeploymentTarget,
} from '../../ports/deployment-target.ts';
import type { PublishedEvent } from '../../ports/event-publisher.ts';
import type { EndpointServing, OutOfBandRemediation } from '../../ports/out-of-band-remediation.ts';
import {
  describeChanges,
  parseRevision,
  resourceNames,
  revisionOf,
  type SageMakerPreviousSpec,
  sagemakerCompute,
} from '../aws/sagemaker-deployment-config.ts';
import { type EndpointState, observationFromEndpointState } from '../aws/sagemaker-endpoint-observation.ts';
import { applyMigrations, type Migration, type SqliteDatabase } from './sqlite-database.ts';

const MIGRATIONS: readonly Migration[] = [
  {
    id: 'embedded-endpoints/1',
    sql: `
      CREATE TABLE embedded_endpoint_configs (
        name              TEXT PRIMARY KEY,
        model_package_arn TEXT NOT NULL,
        instance_type     TEXT NOT NULL,
        instance_count    INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE embedded_endpoints (
        name           TEXT PRIMARY KEY,
        status         TEXT NOT NULL,
        config_name    TEXT NOT NULL REFERENCES embedded_endpoint_configs (name),
        pending_config TEXT REFERENCES embedded_endpoint_configs (name),
        updated_at     TEXT NOT NULL
      ) STRICT;
    `,
  },
];

interface EndpointRow {
  name: string;
  status: string;
  config_name: string;
  pending_config: string | null;
}

const VARIANT = 'primary';
const REGION = 'local-1';
const ACCOUNT = '000000000000';

/** The role of whoever changes an embedded endpoint out of band (CloudTrail's session issuer). */
export const LOCAL_OPERATOR_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/local-operator`;

export interface OutOfBandChange {
  endpointName: string;
  modelPackageArn: string;
  /** The role the caller assumed, as CloudTrail records it; a local operator's by default. */
  callerRoleArn?: string;
}

export class EmbeddedSageMakerEndpoints implements DeploymentTarget, OutOfBandRemediation {
  readonly kind = 'sagemaker' as const;
  readonly #db: SqliteDatabase;
  readonly #now: () => Date;
  #outbox: PublishedEvent[] = [];

  constructor(db: SqliteDatabase, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
    applyMigrations(db, MIGRATIONS);
  }

  /** The events the last changes caused, oldest first; taking them empties the outbox. */
  takeEvents(): PublishedEvent[] {
    const events = this.#outbox;
    this.#outbox = [];
    return events;
  }

  /** Every endpoint, with the model package it serves (and the one being rolled out). */
  list(): { name: string; status: string; serving: string; pending?: string }[] {
    return this.#db
      .prepare<[], EndpointRow>(
        'SELECT name, status, config_name, pending_config FROM embedded_endpoints ORDER BY name',
      )
      .all()
      .map((row) => ({
        name: row.name,
        status: row.status,
        serving: this.#packageOf(row.config_name),
        ...(row.pending_config !== null && { pending: this.#packageOf(row.pending_config) }),
      }));
  }

  async plan(
    deploymentId: string,
    request: DeploymentRequest,
    artifact: ApprovedArtifact,
  ): Promise<DeploymentPlan> {
    requireSameArtifact(request, artifact);
    const endpointName = endpointNameOf(request);
    const names = resourceNames(deploymentId);
    const endpoint = this.#endpoint(endpointName);
    const previous: SageMakerPreviousSpec | null =
      endpoint === undefined ? null : this.#spec(endpoint.config_name);
    return {
      deploymentId,
      action: endpoint === undefined ? 'create' : 'update',
      changes: describeChanges(endpointName, previous, names, request),
      previousSpec: previous,
      revision: revisionOf(endpointName, names.endpointConfig),
    };
  }

  async apply(
    plan: DeploymentPlan,
    request: DeploymentRequest,
    artifact: ApprovedArtifact,
  ): Promise<AppliedDeployment> {
    requireSameArtifact(request, artifact);
    const endpointName = endpointNameOf(request);
    const configName = resourceNames(plan.deploymentId).endpointConfig;
    const compute = sagemakerCompute(request);
    const applied = (status: AppliedDeployment['status']): AppliedDeployment => ({
      deploymentId: plan.deploymentId,
      revision: revisionOf(endpointName, configName),
      status,
    });
    const at = this.#now().toISOString();
    this.#db
      .prepare(
        `INSERT INTO embedded_endpoint_configs (name, model_package_arn, instance_type, instance_count)
         VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
      )
      .run(configName, artifact.modelPackageArn, compute.instanceType, compute.instanceCount);
    const endpoint = this.#endpoint(endpointName);
    if (endpoint === undefined) {
      this.#db
        .prepare('INSERT INTO embedded_endpoints (name, status, config_name, updated_at) VALUES (?, ?, ?, ?)')
        .run(endpointName, 'InService', configName, at);
      this.#emit(ENDPOINT_STATE_CHANGE, endpointName, 'CREATING', configName);
      this.#emit(ENDPOINT_STATE_CHANGE, endpointName, 'IN_SERVICE', configName);
      return applied('applying');
    }
    // A redelivered apply finds its own rollout under way (or done) and starts nothing.
    if (endpoint.pending_config === configName || endpoint.config_name === configName) {
      return applied(endpoint.pending_config === configName ? 'baking' : 'promoted');
    }
    if (endpoint.pending_config !== null || endpoint.status !== 'InService') {
      throw new DeploymentError(
        'target-busy',
        `endpoint ${endpointName} is ${endpoint.status}: SageMaker updates one rollout at a time`,
      );
    }
    const blueGreen = request.strategy.type === 'canary' || request.strategy.type === 'linear';
    if (blueGreen) {
      this.#db
        .prepare(
          'UPDATE embedded_endpoints SET status = ?, pending_config = ?, updated_at = ? WHERE name = ?',
        )
        .run('Updating', configName, at, endpointName);
      this.#emitDeployment(endpointName, endpoint.config_name, configName, 'BAKING');
      return applied('applying');
    }
    this.#db
      .prepare('UPDATE embedded_endpoints SET status = ?, config_name = ?, updated_at = ? WHERE name = ?')
      .run('InService', configName, at, endpointName);
    this.#emit(ENDPOINT_STATE_CHANGE, endpointName, 'UPDATING', endpoint.config_name);
    this.#emit(ENDPOINT_STATE_CHANGE, endpointName, 'IN_SERVICE', configName);
    return applied('applying');
  }

  async observe(applied: AppliedDeployment): Promise<DeploymentObservation> {
    const { endpointName } = parseRevision(applied.revision);
    const endpoint = this.#endpoint(endpointName);
    const observedAt = this.#now().toISOString();
    if (endpoint === undefined) {
      return {
        deploymentId: applied.deploymentId,
        status: 'rolled-back',
        targetStatus: 'NotFound',
        observedAt,
      };
    }
    const observed = observationFromEndpointState(this.#state(endpoint), applied, observedAt);
    if (!observed) throw new Error(`endpoint ${endpointName} state does not concern ${applied.deploymentId}`);
    return observed;
  }

  /** Shifts all the traffic to the baked fleet: SageMaker's last blue/green step. */
  async promote(applied: AppliedDeployment): Promise<DeploymentObservation> {
    const { endpointName, endpointConfigName } = parseRevision(applied.revision);
    const endpoint = this.#endpoint(endpointName);
    if (endpoint?.pending_config === endpointConfigName) {
      this.#db
        .prepare(
          'UPDATE embedded_endpoints SET status = ?, config_name = ?, pending_config = NULL, updated_at = ? WHERE name = ?',
        )
        .run('InService', endpointConfigName, this.#now().toISOString(), endpointName);
      this.#emit(ENDPOINT_STATE_CHANGE, endpointName, 'IN_SERVICE', endpointConfigName);
    }
    return this.observe(applied);
  }

  async rollback(applied: AppliedDeployment, plan: DeploymentPlan): Promise<DeploymentObservation> {
    const { endpointName, endpointConfigName } = parseRevision(applied.revision);
    const previous = plan.previousSpec as SageMakerPreviousSpec | null;
    const at = this.#now().toISOString();
    const observation = (targetStatus: string, reason: string): DeploymentObservation => ({
      deploymentId: applied.deploymentId,
      status: 'rolled-back',
      targetStatus,
      reason,
      observedAt: at,
    });
    if (previous === null) {
      const endpoint = this.#endpoint(endpointName);
      if (
        endpoint &&
        endpoint.config_name !== endpointConfigName &&
        endpoint.pending_config !== endpointConfigName
      ) {
        return observation(
          endpoint.status,
          `endpoint ${endpointName} serves ${endpoint.config_name} now: nothing of this deployment to remove`,
        );
      }
      this.#db.prepare('DELETE FROM embedded_endpoints WHERE name = ?').run(endpointName);
      this.#emit(ENDPOINT_STATE_CHANGE, endpointName, 'DELETING', endpointConfigName);
      return observation('Deleting', `endpoint ${endpointName} removed`);
    }
    this.#db
      .prepare(
        'UPDATE embedded_endpoints SET status = ?, config_name = ?, pending_config = NULL, updated_at = ? WHERE name = ?',
      )
      .run('InService', previous.endpointConfigName, at, endpointName);
    this.#emit(ENDPOINT_STATE_CHANGE, endpointName, 'IN_SERVICE', previous.endpointConfigName);
    return observation('InService', `endpoint ${endpointName} serves ${previous.endpointConfigName} again`);
  }

  async revoke(artifact: ApprovedArtifact, request: DeploymentRequest): Promise<DeploymentObservation> {
    const endpointName = endpointNameOf(request);
    const endpoint = this.#endpoint(endpointName);
    const reason = `approval of ${artifact.modelPackageArn} revoked (decision ${artifact.decisionId})`;
    const at = this.#now().toISOString();
    const deploymentId = '';
    if (!endpoint)
      return { deploymentId, status: 'revoked', targetStatus: 'NotFound', reason, observedAt: at };
    const serves = [endpoint.config_name, endpoint.pending_config].some(
      (config) => config !== null && this.#packageOf(config) === artifact.modelPackageArn,
    );
    if (!serves) {
      throw new DeploymentError(
        'not-serving-model',
        `endpoint ${endpointName} does not serve ${artifact.modelPackageArn}`,
      );
    }
    this.#db.prepare('DELETE FROM embedded_endpoints WHERE name = ?').run(endpointName);
    this.#emit(ENDPOINT_STATE_CHANGE, endpointName, 'DELETING', endpoint.config_name);
    return { deploymentId, status: 'revoked', targetStatus: 'Deleting', reason, observedAt: at };
  }

  revisionOf(endpointName: string, endpointConfigName: string): string {
    return revisionOf(endpointName, endpointConfigName);
  }

  async describeServing(endpointName: string): Promise<EndpointServing | undefined> {
    const endpoint = this.#endpoint(endpointName);
    if (!endpoint) return undefined;
    const configs = [endpoint.config_name, ...(endpoint.pending_config ? [endpoint.pending_config] : [])];
    return {
      endpointName,
      status: endpoint.status,
      revisions: configs.map((config) => revisionOf(endpointName, config)),
      models: configs.map((config) => ({
        name: config,
        modelPackageArn: this.#packageOf(config),
        images: [],
        modelDataUrls: [],
      })),
    };
  }

  async restore(endpointName: string, revision: string): Promise<string> {
    const { endpointConfigName } = parseRevision(revision);
    this.#serveAtOnce(endpointName, endpointConfigName, this.#endpoint(endpointName) !== undefined);
    this.#emit(ENDPOINT_STATE_CHANGE, endpointName, 'IN_SERVICE', endpointConfigName);
    return 'InService';
  }

  async remove(endpointName: string): Promise<string> {
    const endpoint = this.#endpoint(endpointName);
    if (!endpoint) return 'NotFound';
    this.#db.prepare('DELETE FROM embedded_endpoints WHERE name = ?').run(endpointName);
    this.#emit(ENDPOINT_STATE_CHANGE, endpointName, 'DELETING', endpoint.config_name);
    return 'Deleting';
  }

  /** The endpoint serves the config at once, InService (created if it did not exist). */
  #serveAtOnce(endpointName: string, endpointConfigName: string, exists: boolean): void {
    const at = this.#now().toISOString();
    if (exists) {
      this.#db
        .prepare(
          'UPDATE embedded_endpoints SET status = ?, config_name = ?, pending_config = NULL, updated_at = ? WHERE name = ?',
        )
        .run('InService', endpointConfigName, at, endpointName);
    } else {
      this.#db
        .prepare('INSERT INTO embedded_endpoints (name, status, config_name, updated_at) VALUES (?, ?, ?, ?)')
        .run(endpointName, 'InService', endpointConfigName, at);
    }
  }

  /**
   * What a person with SageMaker rights does behind the orchestration's back: CreateEndpointConfig for a model
   * package, then CreateEndpoint or UpdateEndpoint with it (at once, all at once). CloudTrail's records of the
   * two calls go into the outbox, as EventBridge puts them on the default bus.
   */
  changeOutOfBand(change: OutOfBandChange): { endpointConfigName: string; call: EndpointChangingCall } {
    const { endpointName, modelPackageArn } = change;
    const caller = change.callerRoleArn ?? LOCAL_OPERATOR_ROLE_ARN;
    const endpoint = this.#endpoint(endpointName);
    const compute = endpoint
      ? this.#spec(endpoint.config_name).variants[0]
      : { instanceType: 'ml.m5.large', instanceCount: 1 };
    const endpointConfigName = `manual-${randomUUID().slice(0, 8)}`;
    this.#db
      .prepare(
        'INSERT INTO embedded_endpoint_configs (name, model_package_arn, instance_type, instance_count) VALUES (?, ?, ?, ?)',
      )
      .run(
        endpointConfigName,
        modelPackageArn,
        compute?.instanceType ?? 'ml.m5.large',
        compute?.instanceCount ?? 1,
      );
    this.#emitCall('CreateEndpointConfig', caller, { endpointConfigName });
    this.#serveAtOnce(endpointName, endpointConfigName, endpoint !== undefined);
    const call = endpoint ? 'UpdateEndpoint' : 'CreateEndpoint';
    this.#emitCall(call, caller, { endpointName, endpointConfigName });
    return { endpointConfigName, call };
  }

  /** DeleteEndpoint by a person, recorded by CloudTrail. */
  deleteOutOfBand(endpointName: string, callerRoleArn: string = LOCAL_OPERATOR_ROLE_ARN): void {
    this.#db.prepare('DELETE FROM embedded_endpoints WHERE name = ?').run(endpointName);
    this.#emitCall('DeleteEndpoint', callerRoleArn, { endpointName });
  }

  #emitCall(
    eventName: EndpointChangingCall,
    roleArn: string,
    requestParameters: { endpointName?: string; endpointConfigName?: string },
  ): void {
    const arn = (kind: string, name: string) =>
      `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${kind}/${name.toLowerCase()}`;
    this.#outbox.push({
      source: 'aws.sagemaker',
      detailType: CLOUDTRAIL_API_CALL,
      detail: {
        eventVersion: '1.09',
        userIdentity: {
          type: 'AssumedRole',
          arn: `${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/local-session`,
          accountId: ACCOUNT,
          sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn, accountId: ACCOUNT } },
        },
        eventTime: this.#now().toISOString(),
        eventSource: SAGEMAKER_EVENT_SOURCE,
        eventName,
        awsRegion: REGION,
        requestParameters,
        responseElements: requestParameters.endpointName
          ? eventName === 'DeleteEndpoint'
            ? null
            : { endpointArn: arn('endpoint', requestParameters.endpointName) }
          : { endpointConfigArn: arn('endpoint-config', requestParameters.endpointConfigName ?? '') },
        requestID: randomUUID(),
        eventID: randomUUID(),
        readOnly: false,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: ACCOUNT,
        eventCategory: 'Management',
      },
    });
  }

  #endpoint(name: string): EndpointRow | undefined {
    return this.#db
      .prepare<[string], EndpointRow>(
        'SELECT name, status, config_name, pending_config FROM embedded_endpoints WHERE name = ?',
      )
      .get(name);
  }

  #packageOf(configName: string): string {
    return (
      this.#db
        .prepare<[string], { model_package_arn: string }>(
          'SELECT model_package_arn FROM embedded_endpoint_configs WHERE name = ?',
        )
        .get(configName)?.model_package_arn ?? 'unknown'
    );
  }

  #spec(configName: string): SageMakerPreviousSpec {
    const row = this.#db
      .prepare<[string], { instance_type: string; instance_count: number }>(
        'SELECT instance_type, instance_count FROM embedded_endpoint_configs WHERE name = ?',
      )
      .get(configName);
    return {
      endpointConfigName: configName,
      variants: [
        {
          variantName: VARIANT,
          modelName: configName,
          ...(row && { instanceType: row.instance_type, instanceCount: row.instance_count }),
        },
      ],
    };
  }

  #state(endpoint: EndpointRow): EndpointState {
    return {
      endpointName: endpoint.name,
      endpointStatus: endpoint.status,
      endpointConfigName: endpoint.config_name,
      ...(endpoint.pending_config !== null && {
        pendingConfigName: endpoint.pending_config,
        variantStatuses: ['Baking'],
      }),
    };
  }

  #detail(endpointName: string, status: string, configName: string): Record<string, unknown> {
    return {
      EndpointName: endpointName,
      EndpointArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${endpointName.toLowerCase()}`,
      EndpointConfigName: configName,
      EndpointStatus: status,
    };
  }

  #emit(detailType: string, endpointName: string, status: string, configName: string): void {
    this.#outbox.push({
      source: 'aws.sagemaker',
      detailType,
      detail: this.#detail(endpointName, status, configName),
    });
  }

  #emitDeployment(
    endpointName: string,
    servingConfig: string,
    pendingConfig: string,
    variantStatus: string,
  ): void {
    this.#outbox.push({
      source: 'aws.sagemaker',
      detailType: ENDPOINT_DEPLOYMENT_STATE_CHANGE,
      detail: {
        ...this.#detail(endpointName, 'UPDATING', servingConfig),
        PendingDeploymentSummary: {
          EndpointConfigName: pendingConfig,
          ProductionVariants: [{ VariantName: VARIANT, VariantStatus: [{ Status: variantStatus }] }],
        },
      },
    });
  }
}

function endpointNameOf(request: DeploymentRequest): string {
  if (request.target.kind !== 'sagemaker') {
    throw new DeploymentError(
      'wrong-target',
      `a ${request.target.kind} request cannot run on a SageMaker endpoint`,
    );
  }
  return request.target.endpointName;
}

function requireSameArtifact(request: DeploymentRequest, artifact: ApprovedArtifact): void {
  if (artifact.modelPackageArn !== request.modelPackageArn) {
    throw new DeploymentError(
      'artifact-mismatch',
      `the request names ${request.modelPackageArn} but the approval is for ${artifact.modelPackageArn}`,
    );
  }
}
