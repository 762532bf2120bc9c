/**
 * The registered model versions, for the inventory (`GET /models`): the SageMaker Model Registry in AWS,
 * the embedded registry locally (EmbeddedModelRegistry implements this port as it is).
 */
import type { ApprovalStatus } from '../contracts/model-package-state-change.ts';

export interface CatalogModelPackage {
  arn: string;
  groupName: string;
  version: string;
  approvalStatus: ApprovalStatus;
  approvalDescription?: string;
  creationTime?: string;
  lastModifiedTime?: string;
}

export interface ApprovalStatusChange {
  status: ApprovalStatus;
  description?: string;
  changedAt: string;
}

export interface ModelCatalog {
  /** Every versioned package, optionally only one group's; in creation order within a group. */
  listModelPackages(options?: { groupName?: string }): Promise<CatalogModelPackage[]>;
  /**
   * The approval statuses the package has had, oldest first. A registry that keeps no history (SageMaker)
   * returns the current status only.
   */
  statusHistory(arn: string): Promise<ApprovalStatusChange[]>;
}
