/**
 * `GET /models` (the inventory: every registered version with its status, risk class, last decision and
 * open exceptions) and `GET /models/{id}/history` (all versions of one model: decisions and status changes).
 */
import { z } from 'zod';
import { type Decision, outcomeSchema } from '../contracts/decision.ts';
import { type Exception, exceptionStatusAt } from '../contracts/exception.ts';
import type { CatalogModelPackage } from '../ports/model-catalog.ts';
import { vouchForDecisions } from './ledger-vouch.ts';
import { ProblemError } from './problem.ts';
import { type ApiDependencies, defineRoute } from './route.ts';
import { approvalStatusSchema, decisionSchema, exceptionSchema, modelName } from './schemas.ts';

/** Decisions read for one model's history; a longer history is cut and says so. */
const MAX_HISTORY_DECISIONS = 1000;
/** Pages read for one history (a filtered DynamoDB page may be short). */
const MAX_HISTORY_PAGES = 20;
/** Store calls in flight at once while building the inventory. */
const CONCURRENCY = 8;

const lastDecisionSchema = z
  .object({
    id: z.string(),
    decision: outcomeSchema,
    evaluatedAt: z.string(),
    policyBundle: z.string(),
    violations: z.number().int().min(0).meta({ description: 'How many rules it violated' }),
  })
  .meta({ id: 'LastDecision' });

const deploymentSchema = z
  .object({ environment: z.string(), target: z.string(), since: z.string() })
  .meta({ id: 'Deployment' });

const modelVersionSchema = z
  .object({
    model: z.string().meta({ description: 'Model package group name' }),
    version: z.string(),
    arn: z.string(),
    approvalStatus: approvalStatusSchema,
    approvalDescription: z.string().optional(),
    registeredAt: z.string().optional(),
    riskClass: z.string().optional().meta({ description: 'From the last decision' }),
    lastDecision: lastDecisionSchema.optional(),
    openExceptions: z.array(exceptionSchema).meta({ description: 'Granted and not yet expired' }),
    deployments: z
      .array(deploymentSchema)
      .meta({ description: 'Where the version is deployed; not tracked yet, always empty' }),
  })
  .meta({ id: 'ModelVersion' });

export const listModels = defineRoute({
  id: 'models.list',
  tag: 'models',
  summary: 'The model inventory: every registered version with its current status and governance state',
  query: z.strictObject({ model: modelName.optional().meta({ description: 'Only this model group' }) }),
  responses: {
    200: {
      description: 'Every model version, by model then version',
      schema: z.object({ models: z.array(modelVersionSchema) }).meta({ id: 'ModelInventory' }),
      links: {
        firstModelHistory: {
          operationId: 'models.history',
          parameters: { id: '$response.body#/models/0/model' },
          description: 'The history of the first model listed',
        },
      },
    },
  },
  problems: [400, 409],
  async handle({ query }, deps) {
    const packages = sortPackages(
      await deps.models.listModelPackages(query.model === undefined ? {} : { groupName: query.model }),
    );
    const exceptions = await openExceptionsFor(deps, packages);
    const lastDecisions: Decision[] = [];
    const models = await mapLimit(packages, CONCURRENCY, async (pkg) => {
      const page = await deps.decisions.list({
        filter: { model: pkg.groupName, version: pkg.version },
        order: 'desc',
        limit: 1,
      });
      const last = page.decisions[0];
      if (last) lastDecisions.push(last);
      return {
        model: pkg.groupName,
        version: pkg.version,
        arn: pkg.arn,
        approvalStatus: pkg.approvalStatus,
        ...(pkg.approvalDescription !== undefined && { approvalDescription: pkg.approvalDescription }),
        ...(pkg.creationTime !== undefined && { registeredAt: pkg.creationTime }),
        ...(last?.riskClass !== undefined && { riskClass: last.riskClass }),
        ...(last && { lastDecision: summary(last) }),
        openExceptions: exceptions.filter((e) => e.subject === pkg.groupName || e.subject === pkg.arn),
        deployments: [],
      };
    });
    await vouchForDecisions(deps.ledger, lastDecisions);
    return { status: 200, body: { models } };
  },
});

const statusChangeSchema = z
  .object({ status: approvalStatusSchema, description: z.string().optional(), changedAt: z.string() })
  .meta({ id: 'StatusChange' });

const versionHistorySchema = z
  .object({
    version: z.string(),
    arn: z.string().optional().meta({ description: 'Absent when the registry no longer holds the version' }),
    approvalStatus: approvalStatusSchema.optional(),
    statusChanges: z.array(statusChangeSchema).meta({ description: 'Oldest first' }),
    decisions: z.array(decisionSchema).meta({ description: 'Oldest first' }),
  })
  .meta({ id: 'ModelVersionHistory' });

export const modelHistory = defineRoute({
  id: 'models.history',
  tag: 'models',
  summary: 'Every version of one model: its decisions and approval status changes',
  params: z.strictObject({ id: modelName.meta({ description: 'Model package group name' }) }),
  responses: {
    200: {
      description: 'The history, by version',
      schema: z
        .object({
          model: z.string(),
          versions: z.array(versionHistorySchema),
          decisionsTruncated: z
            .boolean()
            .meta({ description: `True when the model has more than ${MAX_HISTORY_DECISIONS} decisions` }),
        })
        .meta({ id: 'ModelHistory' }),
    },
  },
  problems: [400, 404, 409],
  async handle({ params }, deps) {
    const packages = sortPackages(await deps.models.listModelPackages({ groupName: params.id }));
    const { decisions, truncated } = await decisionsOf(deps, params.id);
    if (packages.length === 0 && decisions.length === 0) {
      throw new ProblemError(404, 'Not found', `no model ${params.id}`);
    }
    await vouchForDecisions(deps.ledger, decisions);
    const versions = new Map<string, { pkg?: CatalogModelPackage; decisions: Decision[] }>();
    for (const pkg of packages) versions.set(pkg.version, { pkg, decisions: [] });
    for (const decision of decisions) {
      const entry = versions.get(decision.subject.version) ?? { decisions: [] };
      entry.decisions.push(decision);
      versions.set(decision.subject.version, entry);
    }
    const ordered = [...versions.entries()].sort(([a], [b]) => compareVersions(a, b));
    const history = await mapLimit(ordered, CONCURRENCY, async ([version, { pkg, decisions }]) => ({
      version,
      ...(pkg && { arn: pkg.arn, approvalStatus: pkg.approvalStatus }),
      statusChanges: pkg ? await deps.models.statusHistory(pkg.arn) : [],
      decisions,
    }));
    return {
      status: 200,
      body: { model: packages[0]?.groupName ?? params.id, versions: history, decisionsTruncated: truncated },
    };
  },
});

async function decisionsOf(
  deps: ApiDependencies,
  model: string,
): Promise<{ decisions: Decision[]; truncated: boolean }> {
  const decisions: Decision[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < MAX_HISTORY_PAGES; pages++) {
    const page = await deps.decisions.list({
      filter: { model },
      limit: MAX_HISTORY_DECISIONS - decisions.length,
      ...(cursor !== undefined && { cursor }),
    });
    decisions.push(...page.decisions);
    cursor = page.nextCursor;
    if (!cursor) return { decisions, truncated: false };
    if (decisions.length >= MAX_HISTORY_DECISIONS) break;
  }
  return { decisions, truncated: true };
}

/** Every exception of these packages (by group or ARN) that is in force (not expired, not revoked). */
async function openExceptionsFor(
  deps: ApiDependencies,
  packages: CatalogModelPackage[],
): Promise<Exception[]> {
  if (packages.length === 0) return [];
  const subjects = [...new Set(packages.flatMap((p) => [p.groupName, p.arn]))];
  const now = deps.now();
  return (await deps.exceptions.listFor(subjects)).filter((e) => exceptionStatusAt(e, now) === 'active');
}

function summary(decision: Decision) {
  return {
    id: decision.id,
    decision: decision.decision,
    evaluatedAt: decision.evaluatedAt,
    policyBundle: decision.policy.bundleSha256,
    violations: decision.violations.length,
  };
}

function sortPackages(packages: CatalogModelPackage[]): CatalogModelPackage[] {
  return [...packages].sort(
    (a, b) => a.groupName.localeCompare(b.groupName) || compareVersions(a.version, b.version),
  );
}

/** Numeric where both are numbers (SageMaker versions), text otherwise. */
function compareVersions(a: string, b: string): number {
  const [x, y] = [Number(a), Number(b)];
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : a.localeCompare(b);
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
