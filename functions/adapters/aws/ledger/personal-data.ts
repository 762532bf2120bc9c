/**
 * Sealing personal data on AWS: subject data keys are KMS-wrapped items of the subject keys table
 * (DynamoDbSubjectKeyStore), and so is the pseudonym key, under a reserved item that no pseudonym (`ps1.…`)
 * can name, so every function that seals computes the same pseudonyms without another secret to deploy.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { PersonalData } from '../../../ledger/personal-data.ts';
import type { SubjectKeyStore } from '../../../ledger/ports/subject-key-store.ts';
import { LEDGER_ENVIRONMENT } from '../../../shared/environment.ts';
import { once } from '../../../shared/once.ts';
import { LedgerConfigurationError } from './open.ts';
import { DynamoDbSubjectKeyStore, PSEUDONYM_KEY_ITEM } from './subject-keys.ts';

async function personalDataOver(keys: SubjectKeyStore): Promise<PersonalData> {
  return new PersonalData(await keys.getOrCreate(PSEUDONYM_KEY_ITEM), keys);
}

/**
 * The PersonalData a Lambda function opens on first use, from VERDICT_SUBJECT_KEYS_TABLE and
 * VERDICT_SUBJECT_KEYS_KEY_ID. Without them it throws: a caller that must seal fails closed rather than
 * store personal data in clear.
 */
export function lambdaPersonalData(
  clients: { dynamodb: DynamoDBClient; kms: KMSClient },
  env: NodeJS.ProcessEnv = process.env,
): () => Promise<PersonalData> {
  return once(async () => {
    const tableName = env[LEDGER_ENVIRONMENT.subjectKeysTable]?.trim();
    const keyId = env[LEDGER_ENVIRONMENT.dataKeyId]?.trim();
    if (!tableName || !keyId)
      throw new LedgerConfigurationError(
        `personal data cannot be sealed: ${LEDGER_ENVIRONMENT.subjectKeysTable} and ${LEDGER_ENVIRONMENT.dataKeyId} must be set`,
      );
    return personalDataOver(new DynamoDbSubjectKeyStore({ ...clients, tableName, keyId }));
  });
}
