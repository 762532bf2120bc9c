/**
 * The emulator has no Ed25519 KMS keys (kms-ed25519.ts), and a CLI run as a child process cannot be mocked
 * at the SDK level. This HTTP endpoint stands in front of the emulator's KMS for such a child
 * (`AWS_ENDPOINT_URL_KMS`): GetPublicKey and Sign answer as an Ed25519 key in KMS would, with the RFC 8032
 * test key; every other KMS call (the subject keys' GenerateDataKey, Decrypt) goes to the emulator as sent.
 */
import { sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KMS_KEY_ARN, kmsPrivateKey, kmsPublicKeySpki } from './kms-ed25519.ts';

export interface KmsProxy {
  url: string;
  close(): Promise<void>;
}

function answer(target: string, body: Record<string, string>): Record<string, unknown> | undefined {
  if (target === 'TrentService.GetPublicKey')
    return {
      KeyId: KMS_KEY_ARN,
      KeySpec: 'ECC_NIST_EDWARDS25519',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'],
      PublicKey: Buffer.from(kmsPublicKeySpki).toString('base64'),
    };
  if (target === 'TrentService.Sign')
    return {
      KeyId: KMS_KEY_ARN,
      SigningAlgorithm: 'ED25519_SHA_512',
      Signature: sign(null, Buffer.from(body.Message ?? '', 'base64'), kmsPrivateKey).toString('base64'),
    };
  return undefined;
}

export async function startKmsEd25519Proxy(emulator: string): Promise<KmsProxy> {
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const target = String(request.headers['x-amz-target'] ?? '');
    const local = answer(target, raw.length ? JSON.parse(raw.toString('utf8')) : {});
    if (local) {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(local));
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).flatMap(([k, v]) =>
        k === 'host' || k === 'content-length' || v === undefined ? [] : [[k, String(v)]],
      ),
    );
    const forwarded = await fetch(`${emulator}${request.url ?? '/'}`, {
      method: request.method ?? 'POST',
      headers,
      body: raw,
    });
    response.writeHead(forwarded.status, {
      'content-type': forwarded.headers.get('content-type') ?? 'application/x-amz-json-1.1',
    });
    response.end(Buffer.from(await forwarded.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
