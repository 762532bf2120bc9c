/**
 * ModelCatalog over the SageMaker Model Registry: ListModelPackageGroups and ListModelPackages (paginated),
 * limited to the groups Verdict governs (`verdict:modelPackageGroupPrefix`). SageMaker keeps no approval
 * history, so statusHistory is the current status with its last modification time.
 */
import {
  DescribeModelPackageCommand,
  ListModelPackageGroupsCommand,
  ListModelPackagesCommand,
  type ModelPackageSummary,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { ApprovalStatus } from '../../contracts/model-package-state-change.ts';
import type { ApprovalStatusChange, CatalogModelPackage, ModelCatalog } from '../../ports/model-catalog.ts';

const APPROVAL_STATUSES: readonly string[] = ['PendingManualApproval', 'Approved', 'Rejected'];

export class SageMakerModelCatalog implements ModelCatalog {
  constructor(
    private readonly client: SageMakerClient,
    /** Only groups whose names start with this; "" means all. */
    private readonly groupPrefix = '',
  ) {}

  async listModelPackages(options: { groupName?: string } = {}): Promise<CatalogModelPackage[]> {
    const groups =
      options.groupName === undefined
        ? await this.groupNames()
        : options.groupName.startsWith(this.groupPrefix)
          ? [options.groupName]
          : [];
    const packages: CatalogModelPackage[] = [];
    for (const group of groups) packages.push(...(await this.packagesOf(group)));
    return packages;
  }

  async statusHistory(arn: string): Promise<ApprovalStatusChange[]> {
    const out = await this.client.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
    const changedAt = out.LastModifiedTime ?? out.CreationTime;
    return [
      {
        status: toApprovalStatus(out.ModelApprovalStatus),
        ...(out.ApprovalDescription !== undefined && { description: out.ApprovalDescription }),
        changedAt: changedAt ? changedAt.toISOString() : '',
      },
    ];
  }

  private async groupNames(): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.client.send(
        new ListModelPackageGroupsCommand({
          MaxResults: 100,
          NextToken: nextToken,
          ...(this.groupPrefix && { NameContains: this.groupPrefix }),
        }),
      );
      for (const group of out.ModelPackageGroupSummaryList ?? []) {
        const name = group.ModelPackageGroupName;
        if (name?.startsWith(this.groupPrefix)) names.push(name);
      }
      nextToken = out.NextToken;
    } while (nextToken);
    return names.sort();
  }

  private async packagesOf(group: string): Promise<CatalogModelPackage[]> {
    const packages: CatalogModelPackage[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.client.send(
        new ListModelPackagesCommand({
          ModelPackageGroupName: group,
          ModelPackageType: 'Versioned',
          SortBy: 'CreationTime',
          SortOrder: 'Ascending',
          MaxResults: 100,
          NextToken: nextToken,
        }),
      );
      for (const summary of out.ModelPackageSummaryList ?? []) packages.push(toCatalogEntry(summary, group));
      nextToken = out.NextToken;
    } while (nextToken);
    return packages;
  }
}

function toCatalogEntry(summary: ModelPackageSummary, group: string): CatalogModelPackage {
  return {
    arn: summary.ModelPackageArn ?? '',
    groupName: summary.ModelPackageGroupName ?? group,
    version: summary.ModelPackageVersion === undefined ? '' : String(summary.ModelPackageVersion),
    approvalStatus: toApprovalStatus(summary.ModelApprovalStatus),
    ...(summary.CreationTime && { creationTime: summary.CreationTime.toISOString() }),
  };
}

function toApprovalStatus(status: string | undefined): ApprovalStatus {
  if (status === undefined) return 'PendingManualApproval';
  if (!APPROVAL_STATUSES.includes(status)) throw new Error(`unknown model approval status: ${status}`);
  return status as ApprovalStatus;
}
