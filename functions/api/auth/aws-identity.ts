/**
 * How a deployment names the API's callers in AWS: principal ARNs (verdict:apiRoleMap) and the JWT claim that
 * lists groups. The authenticator and the stack's configuration check share it; it imports nothing.
 */

export const DEFAULT_GROUPS_CLAIM = 'cognito:groups';

/**
 * The identity an ARN stands for, without what varies per session: an assumed-role session
 * (`arn:aws:sts::1:assumed-role/Auditors/alice`) is its role (`arn:aws:iam::1:role/Auditors`), and role and
 * user paths are dropped (`role/teams/Auditors` is `role/Auditors`; names are unique per account).
 */
export function canonicalPrincipalArn(arn: string): string | undefined {
  const sts = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[\w+=,.@-]+$/.exec(arn);
  if (sts) return `arn:${sts[1]}:iam::${sts[2]}:role/${sts[3]}`;
  const iam = /^arn:([\w-]+):iam::(\d{12}):(role|user)\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/.exec(arn);
  if (iam) return `arn:${iam[1]}:iam::${iam[2]}:${iam[3]}/${iam[4]}`;
  return undefined;
}
