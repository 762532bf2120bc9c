import {
  CreateKeyCommand,
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  KMSClient,
  SignCommand,
} from '@aws-sdk/client-kms';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import {
  ed25519PublicKeyFromSpki,
  KMS_MAX_RAW_MESSAGE_BYTES,
  KmsSigner,
  KmsSignerError,
  vkeyFromKmsPublicKey,
} from '../../functions/adapters/aws/kms-signer.ts';
import { MemoryLedgerStore } from '../../functions/adapters/local/ledger/memory-store.ts';
import { ed25519Signer, parseVerifierKey } from '../../functions/ledger/core/note-keys.ts';
import { checkSignatures, parseNote } from '../../functions/ledger/core/signed-note.ts';
import { verifyExport } from '../../functions/ledger/export/verify-export.ts';
import { Ledger } from '../../functions/ledger/ledger.ts';
import { awsClientConfig } from '../support/aws-clients.ts';
import {
  KMS_KEY_ARN,
  kmsPublicKeySpki,
  mockKmsEd25519Key,
  RFC8032_TEST1_SEED,
} from '../support/kms-ed25519.ts';
import { exported, note, ORIGIN, removeTempDirs } from '../support/ledger-fixture.ts';

afterAll(removeTempDirs);

const PUBLIC_KEY = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const EMPTY_MESSAGE_SIGNATURE =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
const SEED = RFC8032_TEST1_SEED;
const KEY_ARN = KMS_KEY_ARN;

const spki = kmsPublicKeySpki;
let kms = mockKmsEd25519Key();
afterEach(() => kms.reset());

function ed25519Key(overrides: Partial<GetPublicKeyCommandOutput> = {}) {
  kms.restore();
  kms = mockKmsEd25519Key(overrides);
}

describe('KmsSigner', () => {
  it('derives the vkey from GetPublicKey: the same key as a local signer with that seed', async () => {
    ed25519Key();
    const signer = await KmsSigner.create({
      kms: new KMSClient({}),
      keyId: 'alias/verdict-ledger',
      name: ORIGIN,
    });
    const local = ed25519Signer(ORIGIN, SEED);
    expect(Buffer.from(ed25519PublicKeyFromSpki(spki)).toString('hex')).toBe(PUBLIC_KEY);
    expect(signer.verifierKey).toBe(local.verifierKey);
    expect(signer.keyId).toBe(local.keyId);
    expect(signer.verifierKey).toBe(vkeyFromKmsPublicKey(ORIGIN, spki));
    expect(signer.kmsKeyArn).toBe(KEY_ARN);
    expect(kms.commandCalls(GetPublicKeyCommand)[0]?.args[0].input).toEqual({
      KeyId: 'alias/verdict-ledger',
    });
    // The mock signs like KMS's pure Ed25519: RFC 8032's signature of the empty message.
    expect(Buffer.from(await signer.sign(new Uint8Array())).toString('hex')).toBe(EMPTY_MESSAGE_SIGNATURE);
  });

  it('signs checkpoints with ED25519_SHA_512 over the raw body; the signed-note verifier accepts them', async () => {
    ed25519Key();
    const signer = await KmsSigner.create({ kms: new KMSClient({}), keyId: KEY_ARN, name: ORIGIN });
    const ledger = await Ledger.open({ store: new MemoryLedgerStore(), signer });
    for (let i = 0; i < 3; i++) await ledger.append(note(i));
    const checkpoint = await ledger.latestCheckpoint();
    const parsed = parseNote(checkpoint?.note as string);
    expect(checkSignatures(parsed, [parseVerifierKey(signer.verifierKey)]).verified).toHaveLength(1);

    const calls = kms.commandCalls(SignCommand);
    expect(calls).toHaveLength(3);
    const last = calls.at(-1)?.args[0].input;
    expect(last).toMatchObject({ KeyId: KEY_ARN, MessageType: 'RAW', SigningAlgorithm: 'ED25519_SHA_512' });
    expect(Buffer.from(last?.Message as Uint8Array).toString('utf8')).toBe(parsed.text);

    // Ed25519 is deterministic: KMS and a local key with the same seed sign the same note.
    const local = await Ledger.open({ store: new MemoryLedgerStore(), signer: ed25519Signer(ORIGIN, SEED) });
    for (let i = 0; i < 3; i++) await local.append(note(i));
    expect((await local.latestCheckpoint())?.note).toBe(checkpoint?.note);

    const report = verifyExport(await exported(ledger), { logKeys: [signer.verifierKey] });
    expect(report.problems).toEqual([]);
  });

  it('refuses a key that cannot sign pure Ed25519', async () => {
    const create = () => KmsSigner.create({ kms: new KMSClient({}), keyId: KEY_ARN, name: ORIGIN });
    ed25519Key({ KeySpec: 'ECC_NIST_P256' });
    await expect(create()).rejects.toThrow(
      `KMS key ${KEY_ARN} has key spec ECC_NIST_P256: checkpoints need an ECC_NIST_EDWARDS25519 key`,
    );
    ed25519Key({ KeyUsage: 'ENCRYPT_DECRYPT' });
    await expect(create()).rejects.toThrow('has key usage ENCRYPT_DECRYPT, not SIGN_VERIFY');
    ed25519Key({ SigningAlgorithms: ['ED25519_PH_SHA_512'] });
    await expect(create()).rejects.toThrow('does not offer ED25519_SHA_512');
    ed25519Key({ PublicKey: new Uint8Array(Buffer.concat([Buffer.alloc(12), Buffer.alloc(32, 1)])) });
    await expect(create()).rejects.toThrow(
      'the public key is not an Ed25519 SubjectPublicKeyInfo (RFC 8410)',
    );
  });

  it('checks every signature before returning it, and the RAW message limit before calling KMS', async () => {
    ed25519Key();
    const signer = await KmsSigner.create({ kms: new KMSClient({}), keyId: KEY_ARN, name: ORIGIN });
    // Ed25519ph (the pre-hash variant) of the same message is not the signature a signed note needs.
    kms.on(SignCommand).resolves({ Signature: new Uint8Array(64).fill(7) });
    await expect(signer.sign(Buffer.from('body\n'))).rejects.toThrow(
      new KmsSignerError(
        `KMS key ${KEY_ARN} returned a signature that is not a valid Ed25519 signature of the message`,
      ),
    );
    kms.resetHistory();
    await expect(signer.sign(new Uint8Array(KMS_MAX_RAW_MESSAGE_BYTES + 1))).rejects.toThrow(
      'KMS signs at most 4096 bytes, got 4097',
    );
    expect(kms.commandCalls(SignCommand)).toHaveLength(0);
  });
});

describe('KmsSigner against the emulator', () => {
  it('refuses the emulator P-256 signing key (moto has no Ed25519 keys)', async () => {
    kms.restore();
    const client = new KMSClient(awsClientConfig(inject('motoEndpoint')));
    await expect(
      client.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_EDWARDS25519', KeyUsage: 'SIGN_VERIFY' })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    const p256 = await client.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
    );
    await expect(
      KmsSigner.create({ kms: client, keyId: p256.KeyMetadata?.KeyId as string, name: ORIGIN }),
    ).rejects.toThrow('has key spec ECC_NIST_P256');
  });
});
