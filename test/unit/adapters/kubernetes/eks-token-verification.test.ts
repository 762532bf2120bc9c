/**
 * The test webhook's checks of an EKS token (test/support/eks-token-verification.ts), the ones
 * aws-iam-authenticator makes before asking STS: a token from eksBearerToken passes; each broken rule is
 * refused with its own reason. (The signature and the access entries are checked end to end in
 * test/integration/kubernetes/eks-token-authentication.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import {
  EKS_TOKEN_PREFIX,
  eksBearerToken,
} from '../../../../functions/adapters/kubernetes/eks-authentication.ts';
import { TokenRefusedError, verifyEksToken } from '../../../support/eks-token-verification.ts';

const STS = 'http://127.0.0.1:5000';
const signedAt = new Date('2026-12-07T19:04:05.000Z');
const context = { clusterName: 'ml-prod', stsEndpoint: STS, now: new Date(signedAt.getTime() + 60_000) };
const credentials = { accessKeyId: 'ASIAEXAMPLE12345', secretAccessKey: 'secret', sessionToken: 'session' };

async function token(): Promise<string> {
  return (
    await eksBearerToken({
      clusterName: 'ml-prod',
      region: 'us-east-1',
      credentials,
      stsEndpoint: STS,
      now: () => signedAt,
    })
  ).token;
}

/** The token with its presigned URL changed by `edit`. */
async function edited(edit: (url: URL) => void): Promise<string> {
  const url = new URL(Buffer.from((await token()).slice(EKS_TOKEN_PREFIX.length), 'base64url').toString());
  edit(url);
  return EKS_TOKEN_PREFIX + Buffer.from(url.toString()).toString('base64url');
}

describe('verifyEksToken', () => {
  it('accepts a token from eksBearerToken and reads what STS needs from it', async () => {
    expect(verifyEksToken(await token(), context)).toMatchObject({
      clusterName: 'ml-prod',
      accessKeyId: 'ASIAEXAMPLE12345',
      region: 'us-east-1',
      signingDate: signedAt,
      expiresInSeconds: 60,
      signedHeaders: ['host', 'x-k8s-aws-id'],
      sessionToken: 'session',
    });
  });

  it.each([
    [
      'another prefix',
      async () => `k8s-aws-v2.${(await token()).slice(EKS_TOKEN_PREFIX.length)}`,
      'token is missing expected "k8s-aws-v1." prefix',
    ],
    [
      'another STS host',
      () =>
        edited((url) => {
          url.host = 'sts.evil.example';
        }),
      'unexpected STS endpoint http://sts.evil.example:5000',
    ],
    [
      'another path',
      () =>
        edited((url) => {
          url.pathname = '/other';
        }),
      'unexpected path /other',
    ],
    [
      'another action',
      () => edited((url) => url.searchParams.set('Action', 'AssumeRole')),
      'unexpected action: not GetCallerIdentity',
    ],
    [
      'an extra parameter',
      () => edited((url) => url.searchParams.set('RoleArn', 'x')),
      'unexpected query parameter RoleArn',
    ],
    [
      'a parameter twice',
      () => edited((url) => url.searchParams.append('action', 'GetCallerIdentity')),
      'query parameter action given twice',
    ],
    [
      'a longer X-Amz-Expires',
      () => edited((url) => url.searchParams.set('X-Amz-Expires', '900')),
      'X-Amz-Expires must be 1..60 seconds',
    ],
    [
      'the cluster header unsigned',
      () => edited((url) => url.searchParams.set('X-Amz-SignedHeaders', 'host')),
      'x-k8s-aws-id is not a signed header',
    ],
    [
      'another service',
      () =>
        edited((url) =>
          url.searchParams.set('X-Amz-Credential', 'ASIAEXAMPLE12345/20261207/us-east-1/s3/aws4_request'),
        ),
      'X-Amz-Credential is not an STS credential scope',
    ],
  ])('refuses %s', async (_, make, reason) => {
    const refused = await make();
    expect(() => verifyEksToken(refused, context)).toThrow(new TokenRefusedError(reason));
  });

  it('accepts a token up to 15 minutes old; refuses an older one, and one from the future', async () => {
    const at = (ms: number) => ({ ...context, now: new Date(signedAt.getTime() + ms) });
    const signed = await token();
    expect(verifyEksToken(signed, at(15 * 60_000)).signingDate).toEqual(signedAt);
    expect(() => verifyEksToken(signed, at(15 * 60_000 + 1_000))).toThrow(
      new TokenRefusedError('X-Amz-Date parameter is expired (15 minute expiration)'),
    );
    expect(() => verifyEksToken(signed, at(-15 * 60_000 - 1_000))).toThrow(
      new TokenRefusedError('X-Amz-Date parameter is in the future'),
    );
  });
});
