/**
 * Resolves a report request against Verdict's stores: which decisions it covers, which model version it
 * is about (the latest when none is given) and what the registry and the governance inputs say about it,
 * where each decision sits in the ledger, and the checkpoint the report is built from.
 */

import type { Decision } from '../contracts/decision.ts';
import { loadGovernanceInputs } from '../gates/model-registry/governance-inputs.ts';
import type { DecisionStore } from '../ports/decision-store.ts';
import type { ExceptionStore } from '../ports/exception-store.ts';
import type { LedgerReader } from '../ports/ledger-reader.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import { InvalidReportRequestError, type ReportRequest } from '../ports/report-service.ts';
import { type FieldNamer, fieldName } from '../shared/validation.ts';
import { type DecisionFilter, latestVersion, parseTime, storeDecisions } from './decision-source.ts';
import { ReportInputError } from './errors.ts';
import { checkpointRef } from './manifest.ts';
import type {
  Deployment,
  EvidenceRef,
  ModelFacts,
  Progress,
  ReportInputs,
  ReportParameters,
} from './report-model.ts';

/** Where report data comes from; everything but decisions and exceptions is optional. */
export interface ReportSources {
  decisions: Pick<DecisionStore, 'list'>;
  exceptions: Pick<ExceptionStore, 'listFor'>;
  registry?: Pick<ModelRegistry, 'describeModelPackage'>;
  objects?: ObjectStore;
  /** The audit ledger: every decision a report covers is checked against its entry there, and cited. */
  ledger?: Pick<LedgerReader, 'vouchForDecision' | 'latestCheckpoint'>;
  deployments?: (model: { group: string; version: string; arn: string }) => Promise<Deployment[]>;
}

export const NEEDS_MODEL: readonly ReportRequest['type'][] = ['model-compliance', 'annex-iv'];

/**
 * Checks a request before any work: the problems, for a person (empty when it is fine), with the request's
 * fields named by `name` (the command line names them by its flags).
 */
export function requestProblems(request: ReportRequest, name: FieldNamer = fieldName): string[] {
  const problems: string[] = [];
  if (NEEDS_MODEL.includes(request.type) && !request.model)
    problems.push(`${name('model')} is required by the ${request.type} report`);
  if (request.version !== undefined && !request.model)
    problems.push(`${name('version')} needs ${name('model')}`);
  for (const key of ['from', 'to'] as const) {
    const value = request[key];
    if (value === undefined) continue;
    try {
      parseTime(value, key);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (request.from && request.to && !problems.length && Date.parse(request.from) >= Date.parse(request.to))
    problems.push(`${name('from')} must be before ${name('to')}`);
  return problems;
}

/**
 * What a report service checks before it queues a job: the request's problems, and for a model report that
 * the model (version) has a decision. Throws InvalidReportRequestError, which the API answers with 400.
 */
export async function checkReportRequest(
  request: ReportRequest,
  sources: Pick<ReportSources, 'decisions'>,
): Promise<void> {
  const problems = requestProblems(request);
  if (problems.length) throw new InvalidReportRequestError(problems.join('; '));
  if (!NEEDS_MODEL.includes(request.type)) return;
  try {
    await resolveModelVersion(request, sources);
  } catch (error) {
    if (error instanceof ReportInputError) throw new InvalidReportRequestError(error.message);
    throw error;
  }
}

/** The model version a model report is about: the one asked for, else the latest that has a decision. */
async function resolveModelVersion(
  request: ReportRequest,
  sources: Pick<ReportSources, 'decisions'>,
): Promise<{ group: string; version: string; arn: string }> {
  const model = request.model;
  if (!model) throw new ReportInputError(`the ${request.type} report needs a model`);
  const filter: DecisionFilter = { model, ...(request.version ? { version: request.version } : {}) };
  const found = await latestVersion(storeDecisions(sources.decisions, filter));
  if (!found)
    throw new ReportInputError(
      request.version
        ? `no decision is recorded for model ${model} version ${request.version}`
        : `no decision is recorded for model ${model}`,
    );
  return found;
}

export async function reportInputs(
  request: ReportRequest,
  sources: ReportSources,
  options: { now: Date; onProgress?: (progress: Progress) => void },
): Promise<{ inputs: ReportInputs; parameters: ReportParameters }> {
  const problems = requestProblems(request);
  if (problems.length) throw new ReportInputError(problems.join('; '));
  // Decisions after the report's start are left out, so that both passes read the same decisions.
  const to = request.to ?? new Date(options.now.getTime() + 1).toISOString();
  const period = { ...(request.from ? { from: request.from } : {}), to };

  let model: ModelFacts | undefined;
  let filter: DecisionFilter;
  if (NEEDS_MODEL.includes(request.type)) {
    const target = await resolveModelVersion(request, sources);
    model = await modelFacts(target, sources);
    filter =
      request.type === 'annex-iv'
        ? { model: target.group, ...period }
        : { model: target.group, version: target.version, ...period };
  } else {
    filter = {
      ...(request.model ? { model: request.model } : {}),
      ...(request.version ? { version: request.version } : {}),
      ...period,
    };
  }

  const ledger = sources.ledger;
  const stored = ledger ? await ledger.latestCheckpoint() : undefined;
  const inputs: ReportInputs = {
    decisions: storeDecisions(sources.decisions, filter),
    exceptions: (subjects) => sources.exceptions.listFor(subjects),
    ...(model ? { model } : {}),
    ...(ledger ? { locate: (decision: Decision) => locateDecision(ledger, decision) } : {}),
    ...(stored ? { checkpoint: checkpointRef(stored.text) } : {}),
    now: options.now,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const parameters: ReportParameters = {
    ...(request.model ? { model: request.model } : {}),
    ...(model ? { version: model.version } : request.version ? { version: request.version } : {}),
    ...(request.from ? { from: request.from } : {}),
    ...(request.to ? { to: request.to } : {}),
  };
  return { inputs, parameters };
}

/** The decision's ledger entry, after checking the read model's copy is that entry (else it throws). */
async function locateDecision(
  ledger: Pick<LedgerReader, 'vouchForDecision'>,
  decision: Decision,
): Promise<EvidenceRef> {
  const { index, leafHash } = await ledger.vouchForDecision(decision);
  return { ledgerIndex: index, entryHash: Buffer.from(leafHash, 'base64').toString('hex') };
}

/** The registry's and the governance inputs' view of one model version; what cannot be read is listed as missing. */
async function modelFacts(
  target: { group: string; version: string; arn: string },
  sources: ReportSources,
): Promise<ModelFacts> {
  const facts: ModelFacts = { group: target.group, version: target.version, arn: target.arn };
  if (sources.deployments) facts.deployments = await sources.deployments(target);
  if (!sources.registry) return facts;
  const pkg = await sources.registry.describeModelPackage(target.arn);
  if (!pkg) return { ...facts, missing: [{ kind: 'model_package', source: target.arn }] };
  facts.approvalStatus = pkg.approvalStatus;
  if (!sources.objects) return facts;
  try {
    const inputs = await loadGovernanceInputs(pkg, sources.objects);
    return {
      ...facts,
      profile: (inputs.profile as Record<string, unknown> | null) ?? null,
      profileSource: inputs.profileSource,
      bias: inputs.evidence.bias
        ? {
            source: inputs.evidence.bias.source,
            ...(inputs.evidence.bias.label ? { label: inputs.evidence.bias.label } : {}),
            facets: Object.fromEntries(
              Object.entries(inputs.evidence.bias.facets).map(([facet, values]) => [
                facet,
                values.map((v) => ({ value: v.value, metrics: { ...v.metrics } })),
              ]),
            ),
          }
        : null,
      obligationEvidence: inputs.evidence.obligations,
      missing: inputs.evidence.missing.map((m) => ({ ...m })),
    };
  } catch (error) {
    return {
      ...facts,
      missing: [{ kind: 'governance_inputs', source: `could not be read: ${(error as Error).message}` }],
    };
  }
}
