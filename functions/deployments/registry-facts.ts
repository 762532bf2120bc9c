/**
 * The deployment gate's facts from the registry, the ledger and the stores: the artifact as the registry
 * resolves it now (its digest recomputed from the bytes), the digest the approving decision recorded, the
 * approval's revocation (a ledger action), the AI-system profile the package names, and the exceptions in
 * the record. Nothing comes from the request but the package it names, and the evidence documents it names,
 * which are read (hashed and measured), never trusted by name.
 */

import type { Exception } from '../contracts/exception.ts';
import { artifactDigest } from '../gates/model-registry/artifact-digest.ts';
import { PROFILE_METADATA_KEY } from '../gates/model-registry/governance-inputs.ts';
import { parseProfile } from '../gates/profile/parse-profile.ts';
import { revocationActionId } from '../gates/revocation/revoke-decision.ts';
import type { RecordedActions } from '../ports/action-log.ts';
import type { DecisionStore } from '../ports/decision-store.ts';
import type { DeploymentFactsSource, EvidenceDocument } from '../ports/deployment-facts.ts';
import type { ExceptionStore } from '../ports/exception-store.ts';
import type { ModelPackage, ModelRegistry } from '../ports/model-registry.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import { readEvidenceDocument } from './evidence-document.ts';

export interface RegistryDeploymentFactsDeps {
  registry: ModelRegistry;
  objects: ObjectStore;
  decisions: DecisionStore;
  exceptions: ExceptionStore;
  actions: RecordedActions;
}

export class RegistryDeploymentFacts implements DeploymentFactsSource {
  /** Descriptions being read: the gate asks for digest, profile and exceptions at once, and one read serves all. */
  readonly #reading = new Map<string, Promise<ModelPackage | undefined>>();

  constructor(private readonly deps: RegistryDeploymentFactsDeps) {}

  #describe(arn: string): Promise<ModelPackage | undefined> {
    let reading = this.#reading.get(arn);
    if (!reading) {
      reading = this.deps.registry.describeModelPackage(arn).finally(() => this.#reading.delete(arn));
      this.#reading.set(arn, reading);
    }
    return reading;
  }

  async artifactDigest(modelPackageArn: string): Promise<string | null> {
    const pkg = await this.#describe(modelPackageArn);
    return pkg ? artifactDigest(pkg, this.deps.objects) : null;
  }

  async approvedDigest(decisionId: string): Promise<string | undefined> {
    return (await this.deps.decisions.get(decisionId))?.subject.artifactDigest;
  }

  async revokedAt(decisionId: string): Promise<string | undefined> {
    return (await this.deps.actions.findAction(revocationActionId(decisionId)))?.at;
  }

  /** The profile the package names, parsed; null when it names none or it cannot be read or parsed. */
  async profile(modelPackageArn: string): Promise<Record<string, unknown> | null> {
    const pkg = await this.#describe(modelPackageArn);
    const source = pkg?.customerMetadata[PROFILE_METADATA_KEY];
    if (!source) return null;
    const bytes = await this.deps.objects.get(source);
    if (!bytes) return null;
    try {
      return parseProfile(bytes) as unknown as Record<string, unknown>;
    } catch {
      return null;
    }
  }

  async exceptions(modelPackageArn: string): Promise<readonly Exception[]> {
    const pkg = await this.#describe(modelPackageArn);
    const subjects = pkg ? [pkg.groupName, modelPackageArn] : [modelPackageArn];
    return this.deps.exceptions.listFor(subjects);
  }

  evidence(uri: string): Promise<EvidenceDocument | undefined> {
    return readEvidenceDocument(this.deps.objects, uri);
  }
}
