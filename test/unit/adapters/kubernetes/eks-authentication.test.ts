/**
 * The EKS bearer token against a fixed clock and fixed credentials: its exact shape, the presigned URL's
 * query, and a signature recomputed here with node:crypto from the SigV4 definition (so a token that does
 * not sign the cluster header, or signs it wrongly, fails).
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  eksBearerToken,
  eksClusterKubeConfig,
  eksKubeConfig,
} from '../../../../functions/adapters/kubernetes/eks-authentication.ts';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const now = () => new Date('2026-12-07T19:04:05.000Z');
const options = { clusterName: 'ml-prod', region: 'eu-west-1', credentials, now };

function decoded(token: string): URL {
  const payload = token.slice('k8s-aws-v1.'.length);
  return new URL(Buffer.from(payload, 'base64url').toString('utf8'));
}

/** SigV4 of a presigned GET with the empty payload hash, written out from the specification. */
function expectedSignature(url: URL, clusterName: string): string {
  const query = [...url.searchParams.entries()]
    .filter(([key]) => key !== 'X-Amz-Signature')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .sort()
    .join('&');
  const canonicalRequest = [
    'GET',
    url.pathname,
    query,
    `host:${url.host}\nx-k8s-aws-id:${clusterName}\n`,
    'host;x-k8s-aws-id',
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    '20261207T190405Z',
    '20261207/eu-west-1/sts/aws4_request',
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, '20261207'), 'eu-west-1'), 'sts'),
    'aws4_request',
  );
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

describe('eksBearerToken', () => {
  it('is k8s-aws-v1. and the unpadded base64url of a presigned STS GetCallerIdentity URL', async () => {
    const { token, expiresAt } = await eksBearerToken(options);

    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    expect(expiresAt.toISOString()).toBe('2026-12-07T19:18:05.000Z');
    const url = decoded(token);
    expect(url.origin).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261207/eu-west-1/sts/aws4_request',
      'X-Amz-Date': '20261207T190405Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Signature': expectedSignature(url, 'ml-prod'),
    });
  });

  it('binds the token to its cluster: another cluster name gives another signature', async () => {
    const prod = decoded((await eksBearerToken(options)).token);
    const staging = decoded((await eksBearerToken({ ...options, clusterName: 'ml-staging' })).token);

    expect(staging.searchParams.get('X-Amz-Signature')).toBe(expectedSignature(staging, 'ml-staging'));
    expect(staging.searchParams.get('X-Amz-Signature')).not.toBe(prod.searchParams.get('X-Amz-Signature'));
  });

  it('carries the session token of temporary credentials, and is the same for the same inputs', async () => {
    const temporary = {
      ...options,
      credentials: async () => ({ ...credentials, sessionToken: 'FwoG/session+token=' }),
    };
    const first = await eksBearerToken(temporary);

    expect(decoded(first.token).searchParams.get('X-Amz-Security-Token')).toBe('FwoG/session+token=');
    expect((await eksBearerToken(temporary)).token).toBe(first.token);
  });

  it('uses the partition of the region, or the endpoint it is given', async () => {
    expect(decoded((await eksBearerToken({ ...options, region: 'cn-north-1' })).token).host).toBe(
      'sts.cn-north-1.amazonaws.com.cn',
    );
    const local = decoded(
      (await eksBearerToken({ ...options, stsEndpoint: 'http://127.0.0.1:5000/' })).token,
    );
    expect(local.origin).toBe('http://127.0.0.1:5000');
  });

  it('refuses a hostile cluster name or region before signing anything', async () => {
    await expect(eksBearerToken({ ...options, clusterName: 'prod\nx-amz-target: x' })).rejects.toThrow(
      'not an EKS cluster name: "prod\\nx-amz-target: x"',
    );
    await expect(eksBearerToken({ ...options, region: 'eu-west-1.evil.example' })).rejects.toThrow(
      'not an AWS region: "eu-west-1.evil.example"',
    );
  });
});

describe('eksKubeConfig', () => {
  const cluster = {
    clusterName: 'ml-prod',
    endpoint: 'https://ABCD1234.gr7.eu-west-1.eks.amazonaws.com',
    certificateAuthorityData: Buffer.from('-----BEGIN CERTIFICATE-----\n').toString('base64'),
  };

  it('points at the cluster endpoint, trusts its CA only and sends the token', async () => {
    const { kubeConfig, expiresAt } = await eksClusterKubeConfig(cluster, {
      region: 'eu-west-1',
      credentials,
      now,
    });

    expect(kubeConfig.getCurrentCluster()).toEqual({
      name: 'ml-prod',
      server: 'https://abcd1234.gr7.eu-west-1.eks.amazonaws.com',
      caData: cluster.certificateAuthorityData,
      skipTLSVerify: false,
    });
    expect(kubeConfig.getCurrentUser()?.token).toBe((await eksBearerToken(options)).token);
    expect(expiresAt).toEqual(new Date('2026-12-07T19:18:05.000Z'));
  });

  it('refuses a plain-http endpoint and a missing CA', () => {
    expect(() => eksKubeConfig({ ...cluster, endpoint: 'http://example.com' }, 't')).toThrow(
      'not an https endpoint: http://example.com',
    );
    expect(() => eksKubeConfig({ ...cluster, certificateAuthorityData: '' }, 't')).toThrow(
      'the cluster certificate authority is missing',
    );
  });
});
