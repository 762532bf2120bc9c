/**
 * Who asked for a deployment, as its record keeps it: the API's authenticated principal, the CLI's local
 * operator, or `promotion:<rule>` for a promotion rule. A person's identifier (a user name, a token or JWT
 * subject, an IAM user ARN) is sealed under that person's key before it leaves the caller, so that `verdict
 * forget` erases it; a role ARN, a service principal and a promotion rule name no person and stay clear.
 */
import type { Deployment } from '../contracts/deployment.ts';
import type { FieldSealer } from '../ports/field-sealer.ts';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SERVICE_PRINCIPAL = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/;

/** What a promotion rule's requests are recorded as requested by. */
export function promotionRequester(rule: string): string {
  return `promotion:${rule}`;
}

/** Whether the identifier may name a person: anything but a role, a service principal or a promotion rule. */
export function namesAPerson(id: string): boolean {
  return !(ROLE_ARN.test(id) || SERVICE_PRINCIPAL.test(id) || id.startsWith('promotion:'));
}

/** The identifier as a deployment request carries it: sealed when it may name a person. */
export async function sealRequester(id: string, sealer: FieldSealer): Promise<string> {
  return namesAPerson(id) ? sealer.sealField(id) : id;
}

/**
 * The deployments with their requesters opened for a reader: the clear value, or `erased (<pseudonym>)` once
 * the person was forgotten; a requester that is not sealed reads as it is. Each person's key is read once.
 */
export async function withRequestersOpened(
  deployments: readonly Deployment[],
  sealer: FieldSealer,
): Promise<Deployment[]> {
  const opened = await sealer.openFields(deployments.map((d) => d.requestedBy ?? ''));
  return deployments.map((deployment, i) =>
    deployment.requestedBy === undefined ? deployment : { ...deployment, requestedBy: opened[i] as string },
  );
}
