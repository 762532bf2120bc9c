import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';

/** The longest SQS keeps a message; failed events wait here for inspection and redrive. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * A queue that receives what could not be processed: KMS-encrypted with the Verdict key, TLS-only,
 * messages kept 14 days. `use` names what sends to it, for the console and the nag suppression.
 */
export function deadLetterQueue(scope: Construct, id: string, key: kms.IKey, use: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    dataKeyReuse: Duration.minutes(5),
    enforceSSL: true,
    retentionPeriod: DEAD_LETTER_RETENTION,
  });
  NagSuppressions.addResourceSuppressions(queue, [
    {
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself a dead-letter queue (${use}); a DLQ for a DLQ would only defer the same alarm.`,
    },
  ]);
  return queue;
}
