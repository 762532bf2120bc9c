/** Who calls the auditor API and with which role (see README "Auditor API"). */
import { z } from 'zod';

export const ROLES = ['auditor', 'deployer', 'compliance-officer', 'admin'] as const;

/** Named `Role` in the API's OpenAPI document, wherever a role appears. */
const roleSchema = z.enum(ROLES).meta({ id: 'Role' });
export type Role = z.infer<typeof roleSchema>;

/** Who asked: a token subject locally, an IAM principal ARN or OIDC subject in AWS. */
export const principalSchema = z.object({
  id: z.string(),
  /** The caller's most privileged role (README "Auditor API": deployer ranks below compliance-officer). */
  role: roleSchema,
  /**
   * Every role the caller holds, when more than one (a JWT caller in several groups): the caller may call
   * what any of them may.
   */
  roles: z.array(roleSchema).min(2).optional(),
  /** How the principal was authenticated. */
  via: z.enum(['token', 'iam', 'jwt']),
});
export type Principal = z.infer<typeof principalSchema>;
