/**
 * Report jobs in a DynamoDB table keyed by `id` (string). A job is written once by the API (conditional
 * put), claimed once by the worker (conditional update queued -> running), then updated with progress and
 * its outcome. Jobs carry `expiresAt` (epoch seconds) for the table's TTL; the reports themselves stay in
 * the locked bucket for their own retention.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JobRecord, ReportJobPatch, ReportJobStore } from '../../ports/report-job-store.ts';

/** Job records are kept this long after creation (table TTL). */
const REPORT_JOB_TTL_DAYS = 90;

export class DynamoDbReportJobStore implements ReportJobStore {
  readonly #doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.#doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async create(job: JobRecord): Promise<void> {
    const expiresAt = Math.floor(Date.parse(job.createdAt) / 1000) + REPORT_JOB_TTL_DAYS * 86_400;
    await this.#doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...job, expiresAt },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const out = await this.#doc.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { expiresAt: _ttl, ...job } = out.Item as JobRecord & { expiresAt?: number };
    return job;
  }

  async claim(id: string, at: string): Promise<boolean> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET #status = :running, #updatedAt = :at, #progress = :zero',
          ConditionExpression: 'attribute_exists(id) AND #status = :queued',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#updatedAt': 'updatedAt',
            '#progress': 'progress',
          },
          ExpressionAttributeValues: { ':running': 'running', ':queued': 'queued', ':at': at, ':zero': 0 },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async update(id: string, patch: ReportJobPatch): Promise<void> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    const names = Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k]));
    const values = Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v]));
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id },
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(id)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}
