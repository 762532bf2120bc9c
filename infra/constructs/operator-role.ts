/**
 * The role people assume to act on a deployed stack from the CLI (`verdict … --stack NAME --profile P`,
 * with P's `role_arn` set to this role): grant and revoke exceptions, erase a subject, export the ledger,
 * request reports. Every such change is a ledger entry, so the role appends to the ledger and signs its
 * checkpoints like the gate; the signing key's policy names it among the signers. Created only when
 * `verdict:operatorRoleTrust` names the roles that may assume it.
 */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { Capability } from '../function-permissions.ts';

/**
 * What the CLI's `--stack` commands need: exceptions, erasure, ledger export and verification, reports,
 * deployments (`verdict deploy|rollback --stack` publish the requests the orchestrator gates; list and show)
 * and revocations (`verdict decisions revoke --stack` rejects the version: it can never approve one).
 */
export const OPERATOR_CAPABILITIES: readonly Capability[] = [
  'model-packages:read',
  'model-packages:list',
  'decisions:read',
  'decisions:append',
  'ledger:read',
  'ledger:append',
  'reports:start',
  'reports:download',
  'deployments:read',
  'deployments:request',
  'decisions:revoke',
];

/** Operators sign in for short sessions: an hour is the most a session of this role lasts. */
const MAX_SESSION = Duration.hours(1);

export interface OperatorRoleProps {
  /** The IAM roles (`verdict:operatorRoleTrust`) allowed to assume it. */
  trustedRoleArns: readonly string[];
}

export class OperatorRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OperatorRoleProps) {
    super(scope, id);
    if (props.trustedRoleArns.length === 0)
      throw new Error('OperatorRole: name at least one role that may assume it');
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.CompositePrincipal(...props.trustedRoleArns.map((arn) => new iam.ArnPrincipal(arn))),
      description:
        'Verdict operators (verdict CLI --stack): exceptions, erasure, ledger export, reports, deployment requests, revocations; each change is a ledger entry',
      maxSessionDuration: MAX_SESSION,
    });
  }
}
