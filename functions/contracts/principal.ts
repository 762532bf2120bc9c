/** Who calls the auditor API and with which role (see README "Auditor API"). */
import { z } from 'zod';

export const ROLES = ['auditor', 'compliance-officer', 'admin'] as const;

/** Named `Role` in the API's OpenAPI document, wherever a role appears. */
const roleSchema = z.enum(ROLES).meta({ id: 'Role' });
export type Role = z.infer<typeof roleSchema>;

/** Who asked: a token subject locally, an IAM principal ARN or OIDC subject in AWS. */
export const principalSchema = z.object({
  id: z.string(),
  role: roleSchema,
  /** How the principal was authenticated. */
  via: z.enum(['token', 'iam', 'jwt']),
});
export type Principal = z.infer<typeof principalSchema>;
