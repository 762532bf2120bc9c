/**
 * A stand-in for the SageMaker Model Registry on one machine, kept in SQLite.
 *
 * It follows SageMaker where a gate can tell the difference: ARNs of the form
 * `arn:aws:sagemaker:<region>:<account>:model-package/<group in lower case>/<version>`, versions numbered
 * from 1 within each group, group names unique regardless of case, new versions pending manual approval
 * unless told otherwise, and the same `SageMaker Model Package State Change` event for a package.
 * Every approval status a package takes is kept, append-only, in its status history.
 */

import type { ApprovalStatus, ModelPackageStateChange } from '../../contracts/model-package-state-change.ts';
import { type ModelPackageSnapshot, modelPackageStateChangeEvent } from '../../events/model-package-event.ts';
import type { ModelContainer, ModelPackage, ModelRegistry } from '../../ports/model-registry.ts';
import { applyMigrations, type Migration, type SqliteDatabase } from './sqlite-database.ts';

const LOCAL_REGION = 'local-1';
const LOCAL_ACCOUNT = '000000000000';

export const STATUS_HISTORY_IMMUTABLE_MESSAGE = 'model package status history is append-only';

const MODEL_REGISTRY_MIGRATIONS: readonly Migration[] = [
  {
    id: 'model-registry/1-groups-packages-history',
    sql: `
      CREATE TABLE model_package_groups (
        name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
        arn           TEXT NOT NULL PRIMARY KEY,
        creation_time TEXT NOT NULL
      ) STRICT;

      CREATE TABLE model_packages (
        seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
        arn                  TEXT NOT NULL UNIQUE,
        group_name           TEXT NOT NULL REFERENCES model_package_groups (name),
        version              INTEGER NOT NULL CHECK (version > 0),
        approval_status      TEXT NOT NULL
                             CHECK (approval_status IN ('PendingManualApproval', 'Approved', 'Rejected')),
        approval_description TEXT,
        customer_metadata    TEXT NOT NULL CHECK (json_valid(customer_metadata)),
        bias_reports         TEXT NOT NULL CHECK (json_valid(bias_reports)),
        creation_time        TEXT NOT NULL,
        last_modified_time   TEXT NOT NULL,
        UNIQUE (group_name, version)
      ) STRICT;

      CREATE TABLE model_package_status_history (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        arn         TEXT NOT NULL REFERENCES model_packages (arn),
        status      TEXT NOT NULL,
        description TEXT,
        changed_at  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX model_package_status_history_by_arn ON model_package_status_history (arn, seq);
      CREATE TRIGGER model_package_status_history_no_update BEFORE UPDATE ON model_package_status_history
        BEGIN SELECT RAISE(ABORT, '${STATUS_HISTORY_IMMUTABLE_MESSAGE}'); END;
      CREATE TRIGGER model_package_status_history_no_delete BEFORE DELETE ON model_package_status_history
        BEGIN SELECT RAISE(ABORT, '${STATUS_HISTORY_IMMUTABLE_MESSAGE}'); END;
    `,
  },
  {
    id: 'model-registry/2-containers',
    sql: `ALTER TABLE model_packages ADD COLUMN containers TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(containers));`,
  },
];

/** The SageMaker error a call would fail with: `ValidationException` or `ResourceNotFound`. */
export class ModelRegistryError extends Error {
  readonly code: 'ValidationException' | 'ResourceNotFound';

  constructor(code: 'ValidationException' | 'ResourceNotFound', message: string) {
    super(message);
    this.name = 'ModelRegistryError';
    this.code = code;
  }
}

export interface EmbeddedModelRegistryOptions {
  /** Region in ARNs and events; default `local-1`. */
  region?: string;
  /** Account id in ARNs and events; default `000000000000`. */
  account?: string;
  /** Source of creation and modification times; default the system clock. */
  now?: () => Date;
}

export interface ModelPackageGroup {
  name: string;
  arn: string;
  creationTime: string;
}

export interface NewModelPackage {
  groupName: string;
  customerMetadata?: Record<string, string>;
  biasReports?: ModelPackage['biasReports'];
  /** The `InferenceSpecification` containers: image and model artifact. */
  containers?: ModelContainer[];
  /** Default `PendingManualApproval`, as for a SageMaker versioned package. */
  approvalStatus?: ApprovalStatus;
}

export interface ApprovalStatusChange {
  status: ApprovalStatus;
  description?: string;
  changedAt: string;
}

interface PackageRow {
  arn: string;
  group_name: string;
  version: number;
  approval_status: ApprovalStatus;
  approval_description: string | null;
  customer_metadata: string;
  bias_reports: string;
  containers: string;
  creation_time: string;
  last_modified_time: string;
}

const PACKAGE_COLUMNS =
  'arn, group_name, version, approval_status, approval_description, customer_metadata, bias_reports, containers, creation_time, last_modified_time';

/** SageMaker's `EntityName` pattern for model package group names. */
const GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** Whether SageMaker takes this as a model package group name (1-63 letters, digits and inner hyphens). */
export function isModelPackageGroupName(name: string): boolean {
  return GROUP_NAME.test(name);
}
/** SageMaker's `MetricsSource.S3Uri` pattern. */
const REPORT_URI = /^(https|s3):\/\/([^/]+)\/?(.*)$/;
const APPROVAL_STATUSES: readonly ApprovalStatus[] = ['PendingManualApproval', 'Approved', 'Rejected'];
const MAX_METADATA_ENTRIES = 50;
const MAX_METADATA_KEY_LENGTH = 128;
const MAX_METADATA_VALUE_LENGTH = 256;
const MAX_DESCRIPTION_LENGTH = 1024;

export class EmbeddedModelRegistry implements ModelRegistry {
  readonly region: string;
  readonly account: string;
  readonly #db: SqliteDatabase;
  readonly #now: () => Date;

  constructor(db: SqliteDatabase, options: EmbeddedModelRegistryOptions = {}) {
    this.region = options.region ?? LOCAL_REGION;
    this.account = options.account ?? LOCAL_ACCOUNT;
    if (!/^[a-z0-9-]+$/.test(this.region)) throw new RangeError(`not a region name: ${this.region}`);
    if (!/^\d{12}$/.test(this.account)) throw new RangeError(`not a 12-digit account id: ${this.account}`);
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
    applyMigrations(db, MODEL_REGISTRY_MIGRATIONS);
  }

  async createModelPackageGroup(name: string): Promise<ModelPackageGroup> {
    if (!GROUP_NAME.test(name)) {
      throw new ModelRegistryError('ValidationException', `invalid model package group name: ${name}`);
    }
    const group: ModelPackageGroup = {
      name,
      arn: `arn:aws:sagemaker:${this.region}:${this.account}:model-package-group/${name.toLowerCase()}`,
      creationTime: this.#timestamp(),
    };
    const { changes } = this.#db
      .prepare(
        'INSERT INTO model_package_groups (name, arn, creation_time) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(group.name, group.arn, group.creationTime);
    if (changes === 0) {
      throw new ModelRegistryError('ValidationException', `Model Package Group already exists: ${group.arn}`);
    }
    return group;
  }

  /** Registers the next version in the group (1, 2, ...) and returns it. */
  async createModelPackage(input: NewModelPackage): Promise<ModelPackageSnapshot> {
    const customerMetadata = validCustomerMetadata(input.customerMetadata ?? {});
    const biasReports = validBiasReports(input.biasReports ?? {});
    const containers = validContainers(input.containers ?? []);
    const approvalStatus = input.approvalStatus ?? 'PendingManualApproval';
    if (!APPROVAL_STATUSES.includes(approvalStatus)) {
      throw new ModelRegistryError('ValidationException', `invalid approval status: ${approvalStatus}`);
    }
    const create = this.#db.transaction((): string => {
      const group = this.#db
        .prepare<[string], { name: string }>('SELECT name FROM model_package_groups WHERE name = ?')
        .get(input.groupName);
      if (!group) {
        throw new ModelRegistryError(
          'ResourceNotFound',
          `Model Package Group does not exist: ${input.groupName}`,
        );
      }
      const { next } = this.#db
        .prepare<[string], { next: number }>(
          'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_packages WHERE group_name = ?',
        )
        .get(group.name) ?? { next: 1 };
      const arn = `arn:aws:sagemaker:${this.region}:${this.account}:model-package/${group.name.toLowerCase()}/${next}`;
      const now = this.#timestamp();
      this.#db
        .prepare(`INSERT INTO model_packages (${PACKAGE_COLUMNS}) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)`)
        .run(
          arn,
          group.name,
          next,
          approvalStatus,
          JSON.stringify(customerMetadata),
          JSON.stringify(biasReports),
          JSON.stringify(containers),
          now,
          now,
        );
      this.#db
        .prepare(
          'INSERT INTO model_package_status_history (arn, status, description, changed_at) VALUES (?, ?, NULL, ?)',
        )
        .run(arn, approvalStatus, now);
      return arn;
    });
    const arn = create.immediate();
    const created = this.#find(arn);
    if (!created) throw new Error(`model package ${arn} was not stored`);
    return created;
  }

  async describeModelPackage(arn: string): Promise<ModelPackageSnapshot | undefined> {
    return this.#find(arn);
  }

  /** Sets the status and its description, as `UpdateModelPackage` does, and appends to the status history. */
  async setApprovalStatus(
    arn: string,
    status: Exclude<ApprovalStatus, 'PendingManualApproval'>,
    description: string,
  ): Promise<void> {
    if (status !== 'Approved' && status !== 'Rejected') {
      throw new ModelRegistryError('ValidationException', `invalid approval status: ${String(status)}`);
    }
    if (description.length > MAX_DESCRIPTION_LENGTH) {
      throw new ModelRegistryError(
        'ValidationException',
        `approval description is longer than ${MAX_DESCRIPTION_LENGTH} characters`,
      );
    }
    const update = this.#db.transaction(() => {
      const now = this.#timestamp();
      const { changes } = this.#db
        .prepare(
          'UPDATE model_packages SET approval_status = ?, approval_description = ?, last_modified_time = ? WHERE arn = ?',
        )
        .run(status, description, now, arn);
      if (changes === 0)
        throw new ModelRegistryError('ResourceNotFound', `Model Package does not exist: ${arn}`);
      this.#db
        .prepare(
          'INSERT INTO model_package_status_history (arn, status, description, changed_at) VALUES (?, ?, ?, ?)',
        )
        .run(arn, status, description, now);
    });
    update.immediate();
  }

  /** Every approval status the package has had, oldest first, starting with the one it was created with. */
  async statusHistory(arn: string): Promise<ApprovalStatusChange[]> {
    if (!this.#find(arn))
      throw new ModelRegistryError('ResourceNotFound', `Model Package does not exist: ${arn}`);
    return this.#db
      .prepare<[string], { status: ApprovalStatus; description: string | null; changed_at: string }>(
        'SELECT status, description, changed_at FROM model_package_status_history WHERE arn = ? ORDER BY seq',
      )
      .all(arn)
      .map((row) => ({
        status: row.status,
        ...(row.description !== null && { description: row.description }),
        changedAt: row.changed_at,
      }));
  }

  /** In the order they were created, optionally only one group's. */
  async listModelPackages(options: { groupName?: string } = {}): Promise<ModelPackageSnapshot[]> {
    const rows =
      options.groupName === undefined
        ? this.#db.prepare<[], PackageRow>(`SELECT ${PACKAGE_COLUMNS} FROM model_packages ORDER BY seq`).all()
        : this.#db
            .prepare<[string], PackageRow>(
              `SELECT ${PACKAGE_COLUMNS} FROM model_packages WHERE group_name = ? COLLATE NOCASE ORDER BY seq`,
            )
            .all(options.groupName);
    return rows.map(toModelPackage);
  }

  /** The event SageMaker would put on the default bus for the package's current state. */
  toStateChangeEvent(
    pkg: ModelPackageSnapshot,
    options: { id?: string; time?: string } = {},
  ): ModelPackageStateChange {
    return modelPackageStateChangeEvent(pkg, options);
  }

  #find(arn: string): ModelPackageSnapshot | undefined {
    const row = this.#db
      .prepare<[string], PackageRow>(`SELECT ${PACKAGE_COLUMNS} FROM model_packages WHERE arn = ?`)
      .get(arn);
    return row ? toModelPackage(row) : undefined;
  }

  #timestamp(): string {
    return this.#now().toISOString();
  }
}

function toModelPackage(row: PackageRow): ModelPackageSnapshot {
  return {
    arn: row.arn,
    groupName: row.group_name,
    version: String(row.version),
    approvalStatus: row.approval_status,
    ...(row.approval_description !== null && { approvalDescription: row.approval_description }),
    customerMetadata: JSON.parse(row.customer_metadata) as Record<string, string>,
    biasReports: JSON.parse(row.bias_reports) as ModelPackage['biasReports'],
    ...(row.containers !== '[]' && { containers: JSON.parse(row.containers) as ModelContainer[] }),
    creationTime: row.creation_time,
    lastModifiedTime: row.last_modified_time,
  };
}

function validCustomerMetadata(metadata: Record<string, string>): Record<string, string> {
  const entries = Object.entries(metadata);
  if (entries.length > MAX_METADATA_ENTRIES) {
    throw new ModelRegistryError(
      'ValidationException',
      `customer metadata has more than ${MAX_METADATA_ENTRIES} entries`,
    );
  }
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > MAX_METADATA_KEY_LENGTH || key.startsWith('aws:')) {
      throw new ModelRegistryError('ValidationException', `invalid customer metadata key: ${key}`);
    }
    if (typeof value !== 'string' || value.length > MAX_METADATA_VALUE_LENGTH) {
      throw new ModelRegistryError('ValidationException', `invalid customer metadata value for ${key}`);
    }
  }
  return Object.fromEntries(entries);
}

function validBiasReports(reports: ModelPackage['biasReports']): ModelPackage['biasReports'] {
  const valid: ModelPackage['biasReports'] = {};
  for (const kind of ['preTraining', 'postTraining', 'report'] as const) {
    const uri = reports[kind];
    if (uri === undefined) continue;
    if (!REPORT_URI.test(uri)) {
      throw new ModelRegistryError('ValidationException', `invalid ${kind} bias report URI: ${uri}`);
    }
    valid[kind] = uri;
  }
  return valid;
}

/** SageMaker's limits: at most 15 containers, an image URI of at most 255 characters, an S3 model artifact. */
const MAX_CONTAINERS = 15;
const MAX_IMAGE_LENGTH = 255;
const MODEL_DATA_URL = /^s3:\/\/[^/]+\/.{1,1000}$/;

function validContainers(containers: readonly ModelContainer[]): ModelContainer[] {
  if (containers.length > MAX_CONTAINERS) {
    throw new ModelRegistryError('ValidationException', `more than ${MAX_CONTAINERS} containers`);
  }
  return containers.map(({ image, modelDataUrl }) => {
    if (typeof image !== 'string' || image.length < 1 || image.length > MAX_IMAGE_LENGTH) {
      throw new ModelRegistryError('ValidationException', `invalid container image: ${String(image)}`);
    }
    if (modelDataUrl !== undefined && !MODEL_DATA_URL.test(modelDataUrl)) {
      throw new ModelRegistryError('ValidationException', `invalid model data URL: ${modelDataUrl}`);
    }
    return { image, ...(modelDataUrl !== undefined && { modelDataUrl }) };
  });
}
