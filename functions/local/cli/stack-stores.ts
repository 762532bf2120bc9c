/**
 * A deployed stack's stores, reached from the CLI with the caller's own credentials (`--stack`): its
 * outputs name them (adapters/aws/cloudformation-stack-outputs.ts), the AWS adapters open them as the
 * stack's functions do. A `read-only` ledger signs and writes nothing (as the auditor API's); a `writer`
 * appends, signs with the stack's KMS key and anchors, as the gate does.
 */
import { describeDeployedStack } from '../../adapters/aws/cloudformation-stack-outputs.ts';
import { DynamoDbDecisionStore } from '../../adapters/aws/dynamodb-decision-store.ts';
import { anchoredVerifierKeys } from '../../adapters/aws/ledger/anchored-keys.ts';
import {
  type AwsLedgerOptions,
  LedgerConfigurationError,
  openAwsLedger,
} from '../../adapters/aws/ledger/open.ts';
import { lambdaPersonalData } from '../../adapters/aws/ledger/personal-data.ts';
import { SageMakerModelCatalog } from '../../adapters/aws/sagemaker-model-catalog.ts';
import { type StackClients, stackClients } from '../../adapters/aws/stack-clients.ts';
import { DeployedStackError } from '../../adapters/aws/stack-errors.ts';
import type { DeployedStack } from '../../contracts/deployed-stack.ts';
import { modelChecks } from '../../gates/exceptions/known-models.ts';
import { NoLogYetError } from '../../ledger/errors.ts';
import { LedgerExceptionStore } from '../../ledger/ledger-exception-store.ts';
import { lazyFieldSealer } from '../../ports/field-sealer.ts';
import { LEDGER_ENVIRONMENT } from '../../shared/environment.ts';
import { UsageError } from './exit-codes.ts';
import type { StackChoice } from './stack-option.ts';
import type { LedgerStores, RecordStores, StoreMode } from './stores.ts';

export interface StackStores {
  stack: DeployedStack;
  clients: StackClients;
  withLedger<T>(mode: StoreMode, fn: (stores: LedgerStores) => Promise<T>): Promise<T>;
  withRecords<T>(mode: StoreMode, fn: (stores: RecordStores) => Promise<T>): Promise<T>;
  /** The options openAwsLedger takes for this stack. */
  ledgerOptions(mode: StoreMode): AwsLedgerOptions;
  /** The stack's subject keys; a usage error naming the outputs when the stack has none. */
  subjectKeys(): NonNullable<DeployedStack['subjectKeys']>;
}

export async function openStackStores(choice: StackChoice & { stack: string }): Promise<StackStores> {
  const clients = stackClients(choice);
  const stack = await stackUsage(() => describeDeployedStack(clients.cloudformation, choice.stack));
  const ledgerClients = { dynamodb: clients.dynamodb, s3: clients.s3, kms: clients.kms };

  const subjectKeys = () => {
    if (!stack.subjectKeys)
      throw new UsageError(
        `stack ${stack.stackName} has no SubjectKeysTableName and SubjectKeysKeyArn outputs: deploy the current Verdict stack`,
      );
    return stack.subjectKeys;
  };
  const ledgerOptions = (mode: StoreMode): AwsLedgerOptions => {
    const { ledger } = stack;
    const base = {
      tableName: ledger.table,
      tilesBucket: ledger.tilesBucket,
      anchorBucket: ledger.anchorBucket,
      origin: ledger.origin,
      clients: ledgerClients,
    };
    if (mode === 'read-only') return { mode, ...base };
    const keys = subjectKeys();
    return {
      mode,
      ...base,
      signingKeyId: ledger.signingKeyArn,
      ...(ledger.checkpointRetentionDays !== undefined && {
        checkpointRetentionDays: ledger.checkpointRetentionDays,
      }),
      ...(ledger.objectLockMode !== undefined && { objectLockMode: ledger.objectLockMode }),
      subjectKeysTable: keys.table,
      dataKeyId: keys.keyArn,
    };
  };

  return {
    stack,
    clients,
    ledgerOptions,
    subjectKeys,
    async withLedger(mode, fn) {
      const handle = openAwsLedger(ledgerOptions(mode));
      try {
        const aws = await stackUsage(() => handle.open());
        return await fn({
          ledger: aws.ledger,
          verifierKeys: () => anchoredVerifierKeys(clients.s3, stack.ledger.anchorBucket),
        });
      } finally {
        await handle.close();
      }
    },
    async withRecords(mode, fn) {
      const records = new DynamoDbDecisionStore(clients.dynamodb, stack.decisionsTable);
      const handle = openAwsLedger(ledgerOptions(mode));
      // Opened when a sealed field is first read or written: listing decisions needs no subject keys.
      const sealer = lazyFieldSealer(async () => {
        const keys = subjectKeys();
        return lambdaPersonalData(
          { dynamodb: clients.dynamodb, kms: clients.kms },
          {
            [LEDGER_ENVIRONMENT.subjectKeysTable]: keys.table,
            [LEDGER_ENVIRONMENT.dataKeyId]: keys.keyArn,
          },
        )();
      });
      const catalog = new SageMakerModelCatalog(clients.sagemaker, stack.modelPackageGroupPrefix ?? '');
      try {
        return await fn({
          decisions: records,
          // As the gate's: each grant and revocation is a ledger entry, then a row of the decisions table.
          exceptions: mode === 'writer' ? new LedgerExceptionStore(handle.audit, records) : records,
          sealer,
          ledger: handle.reader,
          models: modelChecks({ catalog, decisions: records }),
        });
      } finally {
        await handle.close();
      }
    },
  };
}

/** Runs `work`, turning what the caller can fix (the stack, credentials, an empty ledger) into usage errors. */
async function stackUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (
      error instanceof DeployedStackError ||
      error instanceof LedgerConfigurationError ||
      error instanceof NoLogYetError
    )
      throw new UsageError(error.message);
    throw error;
  }
}
