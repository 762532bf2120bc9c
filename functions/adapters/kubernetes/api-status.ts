/**
 * The Kubernetes `Status` an API server answered a refused request with, read from the error that
 * `@kubernetes/client-node` throws (an `ApiException` whose body is the Status as JSON text).
 */
import { ApiException } from '@kubernetes/client-node';

export interface KubernetesApiStatus {
  /** HTTP status: 403 for RBAC and admission-policy refusals, 404, 409, 422, ... */
  readonly code: number;
  /** Machine-readable reason, e.g. `Forbidden`, `NotFound`, `AlreadyExists`. */
  readonly reason: string | undefined;
  readonly message: string;
}

/** The refusal in `error`, or undefined when `error` is not an answer from the API server. */
export function kubernetesApiStatus(error: unknown): KubernetesApiStatus | undefined {
  if (!(error instanceof ApiException)) return undefined;
  const body = parsed(error.body);
  return {
    code: error.code,
    reason: typeof body?.reason === 'string' ? body.reason : undefined,
    message: typeof body?.message === 'string' ? body.message : String(error.body ?? ''),
  };
}

function parsed(body: unknown): Record<string, unknown> | undefined {
  if (body !== null && typeof body === 'object') return body as Record<string, unknown>;
  if (typeof body !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
