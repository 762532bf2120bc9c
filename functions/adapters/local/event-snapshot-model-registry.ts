import type { ApprovalStatus } from '../../contracts/model-package-state-change.ts';
import type { ModelPackage, ModelRegistry } from '../../ports/model-registry.ts';

/**
 * For offline evaluation (`verdict gate`): the event's own description of the package is the registry, and
 * a status change is kept here instead of being applied anywhere.
 */
export class EventSnapshotRegistry implements ModelRegistry {
  readonly statusChanges: { arn: string; status: ApprovalStatus; description: string }[] = [];

  constructor(private readonly pkg: ModelPackage) {}

  async describeModelPackage(arn: string): Promise<ModelPackage | undefined> {
    return arn === this.pkg.arn ? this.pkg : undefined;
  }

  async setApprovalStatus(arn: string, status: 'Approved' | 'Rejected', description: string): Promise<void> {
    this.statusChanges.push({ arn, status, description });
  }
}
