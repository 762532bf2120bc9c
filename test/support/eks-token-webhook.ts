/**
 * A TokenReview webhook that authenticates EKS access-entry tokens for a local kube-apiserver as EKS does:
 * the token's presigned STS URL is checked (eks-token-verification.ts), STS names the signer
 * (emulated-sts-caller-identity.ts, against the AWS emulator), and the signer's role ARN is mapped through
 * an access-entries table to a Kubernetes user and groups. Anything else is `authenticated: false`.
 *
 * Plain HTTP on loopback: the API server reads the webhook's address from a kubeconfig-format file
 * (`--authentication-token-webhook-config-file`), which takes an http server.
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type PresignedCallerIdentity, TokenRefusedError, verifyEksToken } from './eks-token-verification.ts';
import type { CallerIdentity } from './emulated-sts-caller-identity.ts';

/** What an EKS access entry grants: the Kubernetes user name and groups RBAC sees. */
export interface AccessEntry {
  readonly username: string;
  readonly groups: readonly string[];
}

export interface EksTokenWebhookOptions {
  readonly clusterName: string;
  /** The STS endpoint tokens must name: the emulator's. */
  readonly stsEndpoint: string;
  /** By IAM principal ARN (`arn:aws:iam::<account>:role/<name>`), as `CreateAccessEntry` takes it. */
  readonly accessEntries: Readonly<Record<string, AccessEntry>>;
  readonly callerIdentity: (request: PresignedCallerIdentity) => Promise<CallerIdentity>;
  readonly now?: () => Date;
}

/** One review, in order: who was authenticated, or why not. */
export type TokenReviewOutcome =
  | {
      readonly authenticated: true;
      readonly username: string;
      readonly groups: readonly string[];
      readonly arn: string;
    }
  | { readonly authenticated: false; readonly reason: string };

export interface EksTokenWebhook {
  readonly url: string;
  readonly outcomes: readonly TokenReviewOutcome[];
  /** Writes the API server's webhook configuration into `dir` and returns its path. */
  writeConfig(dir: string): Promise<string>;
  close(): Promise<void>;
}

const ASSUMED_ROLE = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;
const MAX_BODY_BYTES = 64 * 1024;

export async function startEksTokenWebhook(options: EksTokenWebhookOptions): Promise<EksTokenWebhook> {
  const outcomes: TokenReviewOutcome[] = [];
  const review = async (token: string): Promise<TokenReviewOutcome> => {
    try {
      const presigned = verifyEksToken(token, {
        clusterName: options.clusterName,
        stsEndpoint: options.stsEndpoint,
        now: (options.now ?? (() => new Date()))(),
      });
      const caller = await options.callerIdentity(presigned);
      const principal = principalArn(caller.arn);
      const entry = options.accessEntries[principal];
      if (!entry) return { authenticated: false, reason: `no access entry for ${principal}` };
      return { authenticated: true, ...entry, arn: caller.arn };
    } catch (error) {
      if (error instanceof TokenRefusedError) return { authenticated: false, reason: error.message };
      throw error;
    }
  };
  const server = createServer((request, response) => {
    handle(request)
      .then((token) => (token === undefined ? undefined : review(token)))
      .then(
        (outcome) => {
          if (!outcome) {
            response.writeHead(400).end();
            return;
          }
          outcomes.push(outcome);
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify(tokenReviewAnswer(outcome)));
        },
        () => response.writeHead(500).end(), // the API server treats an error as not authenticated
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/authenticate`;
  return {
    url,
    outcomes,
    async writeConfig(dir) {
      const file = join(dir, 'eks-token-webhook.kubeconfig');
      await writeFile(file, webhookKubeconfig(url), { mode: 0o600 });
      return file;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The token of a TokenReview request, or undefined when the request is not one. */
async function handle(request: IncomingMessage): Promise<string | undefined> {
  if (request.method !== 'POST') return undefined;
  let body = '';
  for await (const chunk of request) {
    body += chunk;
    if (body.length > MAX_BODY_BYTES) return undefined;
  }
  const review = JSON.parse(body) as { kind?: string; apiVersion?: string; spec?: { token?: unknown } };
  if (review.kind !== 'TokenReview' || review.apiVersion !== 'authentication.k8s.io/v1') return undefined;
  return typeof review.spec?.token === 'string' ? review.spec.token : undefined;
}

/** An assumed-role session maps to its role, as EKS access entries do; any other ARN stays as it is. */
export function principalArn(arn: string): string {
  const assumed = ASSUMED_ROLE.exec(arn);
  return assumed ? `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}` : arn;
}

function tokenReviewAnswer(outcome: TokenReviewOutcome) {
  const status = outcome.authenticated
    ? {
        authenticated: true,
        user: {
          username: outcome.username,
          uid: `aws-iam-authenticator:${outcome.arn}`,
          groups: [...outcome.groups],
          extra: { arn: [outcome.arn], canonicalArn: [principalArn(outcome.arn)] },
        },
      }
    : { authenticated: false, error: outcome.reason };
  return { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', status };
}

function webhookKubeconfig(server: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'eks-token-webhook', cluster: { server } }],
    users: [{ name: 'kube-apiserver', user: {} }],
    contexts: [{ name: 'webhook', context: { cluster: 'eks-token-webhook', user: 'kube-apiserver' } }],
    'current-context': 'webhook',
  });
}
