/**
 * The key policy of a Verdict signing key (the ledger's checkpoint key, the report manifest key). A
 * signature is only worth what the key's custody is, so the policy itself, not only IAM, says:
 *
 * - `kms:Sign`: denied to every principal but the roles registered with `allowSigner` (the gate for
 *   checkpoints, the report worker for manifests), whatever their IAM policies grant;
 * - `kms:ScheduleKeyDeletion`, `kms:DisableKey`: denied to everyone but the break-glass role
 *   (`verdict:breakGlassRoleArn`); without one, nobody can (a stack with retainData=false lets its
 *   CloudFormation execution role delete the key with the stack);
 * - `kms:PutKeyPolicy`: denied to everyone but the break-glass role and the stack's CloudFormation
 *   execution role (CDK bootstrap). Deployments stay the only way to change the policy, and KMS refuses to
 *   create a key whose policy would lock out its creator.
 */
import { DefaultStackSynthesizer, Fn, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';

const KEY_CUSTODY_ACTIONS = ['kms:ScheduleKeyDeletion', 'kms:DisableKey'] as const;
const KEY_POLICY_ACTION = 'kms:PutKeyPolicy';

export interface SigningKeyPolicyProps {
  /** `verdict:breakGlassRoleArn`; "" for none. */
  breakGlassRoleArn: string;
  /** The stack deletes its data (retainData=false): CloudFormation must be able to delete the key. */
  deletableByStack: boolean;
}

/** The role CloudFormation deploys this stack with (the CDK bootstrap's cfn-exec role). */
function cloudFormationExecutionRoleArn(stack: Stack): string {
  const synthesizer = stack.synthesizer;
  if (!(synthesizer instanceof DefaultStackSynthesizer))
    throw new Error(
      'The signing keys name the CloudFormation execution role in their policies: deploy with the default stack synthesizer (cdk bootstrap)',
    );
  return Fn.sub(synthesizer.cloudFormationExecutionRoleArn);
}

export class SigningKeyPolicy {
  readonly #signers: string[] = [];

  constructor(
    readonly key: kms.Key,
    props: SigningKeyPolicyProps,
  ) {
    const stack = Stack.of(key);
    const everyone = [new iam.AnyPrincipal()];
    const breakGlass = props.breakGlassRoleArn ? [props.breakGlassRoleArn] : [];
    const deployer = cloudFormationExecutionRoleArn(stack);
    const except = (arns: string[]) =>
      arns.length > 0 ? { conditions: { ArnNotEquals: { 'aws:PrincipalArn': arns } } } : {};

    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SignOnlyByTheRegisteredSigners',
        effect: iam.Effect.DENY,
        principals: everyone,
        actions: ['kms:Sign'],
        resources: ['*'],
        conditions: {
          ArnNotEquals: {
            'aws:PrincipalArn': Lazy.list({
              produce: () => {
                if (this.#signers.length === 0)
                  throw new Error(`signing key ${key.node.path} has no signer: call allowSigner`);
                return this.#signers;
              },
            }),
          },
        },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'NoDeletionOrDisablingButBreakGlass',
        effect: iam.Effect.DENY,
        principals: everyone,
        actions: [...KEY_CUSTODY_ACTIONS],
        resources: ['*'],
        ...except([...breakGlass, ...(props.deletableByStack ? [deployer] : [])]),
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'NoPolicyChangeButBreakGlassOrDeployment',
        effect: iam.Effect.DENY,
        principals: everyone,
        actions: [KEY_POLICY_ACTION],
        resources: ['*'],
        ...except([...breakGlass, deployer]),
      }),
    );
  }

  /** Lets `role` sign with the key (the key policy side; the role's IAM policy must allow it too). */
  allowSigner(role: iam.IRole): void {
    this.#signers.push(role.roleArn);
  }
}
