/**
 * The gate decides, but SageMaker lets anyone with `sagemaker:UpdateModelPackage` set
 * `ModelApprovalStatus=Approved` (or register a version as Approved with CreateModelPackage): without a
 * guard the gate is advisory. This optional construct reserves approval of the governed groups to
 * Verdict's gate role (and the break-glass role):
 *
 * - a customer managed policy of Deny statements only, to attach to every role and user that may touch the
 *   Model Registry (data scientists, pipelines, CI) — attached, it can only take rights away;
 * - with `scpTargetIds`, the same statements as an Organizations service control policy attached to those
 *   accounts or OUs (deploy this construct in the management or delegated administrator account), which
 *   binds every principal of the account, administrators included.
 *
 * Model package ARNs are matched with the prefix as given and in lower case, as SageMaker may write them.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';

export interface ApprovalGuardProps {
  /** `verdict:modelPackageGroupPrefix`: the governed groups ("" for all). */
  groupPrefix: string;
  /** Who may still approve: the gate's role, and the break-glass role if any. */
  approverRoleArns: readonly string[];
  /** Accounts or OUs to attach a service control policy to (Organizations management account only). */
  scpTargetIds?: readonly string[];
  /** Name of the managed policy and the SCP; generated when absent (an SCP needs one). */
  name?: string;
}

/** The governed model packages, in every partition, region and account the policy is evaluated in. */
function governedPackageArns(groupPrefix: string): string[] {
  const arns = [groupPrefix, groupPrefix.toLowerCase()].map(
    (prefix) => `arn:*:sagemaker:*:*:model-package/${prefix}*`,
  );
  return [...new Set(arns)];
}

/** Deny approving a governed version, or registering one already approved, to all but the approvers. */
function approvalGuardStatements(
  props: Pick<ApprovalGuardProps, 'groupPrefix' | 'approverRoleArns'>,
): iam.PolicyStatement[] {
  if (props.approverRoleArns.length === 0) throw new Error('the approval guard needs at least one approver');
  const notAnApprover = { ArnNotLike: { 'aws:PrincipalArn': [...props.approverRoleArns] } };
  const approved = { StringEquals: { 'sagemaker:ModelApprovalStatus': 'Approved' } };
  const resources = governedPackageArns(props.groupPrefix);
  return [
    new iam.PolicyStatement({
      sid: 'OnlyVerdictApprovesGovernedModels',
      effect: iam.Effect.DENY,
      actions: ['sagemaker:UpdateModelPackage'],
      resources,
      conditions: { ...approved, ...notAnApprover },
    }),
    new iam.PolicyStatement({
      sid: 'NoGovernedModelRegisteredAsApproved',
      effect: iam.Effect.DENY,
      actions: ['sagemaker:CreateModelPackage'],
      resources,
      conditions: { ...approved, ...notAnApprover },
    }),
  ];
}

export class ApprovalGuard extends Construct {
  readonly policy: iam.ManagedPolicy;
  readonly scp: organizations.CfnPolicy | undefined;

  constructor(scope: Construct, id: string, props: ApprovalGuardProps) {
    super(scope, id);
    const statements = approvalGuardStatements(props);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      ...(props.name && { managedPolicyName: props.name }),
      description:
        'Verdict: only the Verdict gate approves governed model packages (attach to every Model Registry user)',
      statements,
    });
    this.scp =
      props.scpTargetIds && props.scpTargetIds.length > 0
        ? new organizations.CfnPolicy(this, 'ServiceControlPolicy', {
            name: props.name ?? 'verdict-approval-guard',
            description: 'Verdict: only the Verdict gate approves governed model packages',
            type: 'SERVICE_CONTROL_POLICY',
            content: new iam.PolicyDocument({ statements }).toJSON(),
            targetIds: [...props.scpTargetIds],
          })
        : undefined;
  }
}
