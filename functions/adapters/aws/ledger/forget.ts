/**
 * Forgetting a person in the AWS stores (`verdict forget --aws`): the same crypto-shredding as locally
 * (ledger/erasure.ts), on the AWS ledger and its KMS-wrapped subject keys. Every store seals personal data
 * under the subject's key before writing it, so destroying the key is the whole erasure there; it fails
 * unless the subject keys are configured.
 */
import { type ErasureResult, forgetSubject } from '../../../ledger/erasure.ts';
import { LEDGER_ENVIRONMENT } from '../../../shared/environment.ts';
import {
  type AwsLedgerFromEnvironment,
  type AwsLedgerOptions,
  LedgerConfigurationError,
  openAwsLedger,
} from './open.ts';

export async function forgetOnAws(
  options: AwsLedgerOptions | AwsLedgerFromEnvironment,
  subjectId: string,
): Promise<ErasureResult> {
  if (options.mode !== 'writer')
    throw new LedgerConfigurationError('an erasure writes to the ledger: not read-only');
  const handle = openAwsLedger(options);
  try {
    const aws = await handle.open();
    if (!aws.personal)
      throw new LedgerConfigurationError(
        `no subject keys: set ${LEDGER_ENVIRONMENT.subjectKeysTable} and ${LEDGER_ENVIRONMENT.dataKeyId}`,
      );
    return await forgetSubject(aws.ledger, aws.personal, subjectId);
  } finally {
    await handle.close();
  }
}
