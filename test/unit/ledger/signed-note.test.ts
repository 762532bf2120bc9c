/**
 * C2SP signed-note and tlog-checkpoint against golang.org/x/mod/sumdb/note's published test keys and
 * signatures (note_test.go: PeterNeumann and EnochRoot).
 */
import { describe, expect, it } from 'vitest';
import { encodeCheckpoint, parseCheckpoint } from '../../../functions/ledger/core/checkpoint.ts';
import {
  ed25519Signer,
  ed25519VerifierKey,
  encodeSignerKey,
  parseSignerKey,
  parseVerifierKey,
} from '../../../functions/ledger/core/note-keys.ts';
import { leafHash } from '../../../functions/ledger/core/rfc6962.ts';
import {
  checkSignatures,
  cosignNote,
  parseNote,
  signNote,
} from '../../../functions/ledger/core/signed-note.ts';

const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

describe('signed-note keys', () => {
  it('parses the published verifier key and derives its key id', () => {
    const v = parseVerifierKey(PETER_VKEY);
    expect(v.name).toBe('PeterNeumann');
    expect(v.keyId).toBe(0xc74f20a3);
  });

  it('rejects every truncation and every single-byte change of the vkey', () => {
    for (let i = 0; i < PETER_VKEY.length; i++) {
      expect(() => parseVerifierKey(PETER_VKEY.slice(0, i))).toThrow();
      const changed =
        PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1);
      expect(() => parseVerifierKey(changed), changed).toThrow();
    }
    expect(() =>
      parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    ).toThrow('unknown signature algorithm');
  });

  it('the published signer key yields the published vkey and round-trips', () => {
    const signer = parseSignerKey(PETER_SKEY);
    expect(signer.verifierKey).toBe(PETER_VKEY);
    const seed = Buffer.from(PETER_SKEY.split('+').slice(4).join('+'), 'base64').subarray(1);
    expect(encodeSignerKey('PeterNeumann', seed)).toBe(PETER_SKEY);
  });

  it('vkey form <name>+<hex id>+<base64(0x01||pubkey)>', () => {
    const signer = ed25519Signer('verdict.local/ledger', Buffer.alloc(32, 7));
    const [name, id, key] = signer.verifierKey.split('+');
    expect(name).toBe('verdict.local/ledger');
    expect(id).toMatch(/^[0-9a-f]{8}$/);
    expect(Buffer.from(key as string, 'base64')[0]).toBe(1);
    expect(ed25519VerifierKey(name as string, Buffer.from(key as string, 'base64').subarray(1))).toBe(
      signer.verifierKey,
    );
  });
});

describe('signed notes', () => {
  it('signs exactly as the Go implementation (Ed25519 is deterministic)', async () => {
    expect(await signNote(TEXT, [parseSignerKey(PETER_SKEY)])).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('verifies one of two signatures, both, or neither', () => {
    const note = parseNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`);
    const peter = parseVerifierKey(PETER_VKEY);
    const enoch = parseVerifierKey(ENOCH_VKEY);
    const one = checkSignatures(note, [peter]);
    expect(one.verified).toEqual([peter]);
    expect(one.unknown.map((s) => s.name)).toEqual(['EnochRoot']);
    expect(checkSignatures(note, [peter, enoch]).verified).toEqual([peter, enoch]);
    expect(checkSignatures(note, []).verified).toEqual([]);
  });

  it('a corrupted signature by a known key is invalid, not unknown', () => {
    const bad = `${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(64)}`;
    const result = checkSignatures(parseNote(`${TEXT}\n${bad}`), [parseVerifierKey(PETER_VKEY)]);
    expect(result.verified).toEqual([]);
    expect(result.invalid).toHaveLength(1);
  });

  it('rejects malformed notes', () => {
    for (const msg of [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\u0001${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n${PETER_SIG.repeat(101)}`,
    ])
      expect(() => parseNote(msg), JSON.stringify(msg)).toThrow();
  });

  it('a cosignature is an extra line over the same text, replacing an older one by the same key', async () => {
    const log = ed25519Signer('log.example', Buffer.alloc(32, 1));
    const witness = ed25519Signer('witness.example', Buffer.alloc(32, 2));
    const signed = await signNote('log.example\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n', [log]);
    const cosigned = await cosignNote(await cosignNote(signed, witness), witness);
    const note = parseNote(cosigned);
    expect(note.signatures.map((s) => s.name)).toEqual(['log.example', 'witness.example']);
    const v = [parseVerifierKey(log.verifierKey), parseVerifierKey(witness.verifierKey)];
    expect(checkSignatures(note, v).verified).toHaveLength(2);
  });
});

describe('checkpoint body', () => {
  const rootHash = leafHash(new Uint8Array());
  it('encodes origin, size and base64 root, each line ending in a newline', () => {
    expect(encodeCheckpoint({ origin: 'verdict.local/ledger', size: 12, rootHash })).toBe(
      `verdict.local/ledger\n12\n${Buffer.from(rootHash).toString('base64')}\n`,
    );
  });
  it('parses and keeps extension lines; rejects non-canonical sizes and roots', () => {
    const body = `o\n3\n${Buffer.from(rootHash).toString('base64')}\next one\n`;
    expect(parseCheckpoint(body)).toMatchObject({ origin: 'o', size: 3, extensions: ['ext one'] });
    for (const bad of [
      `o\n03\n${Buffer.from(rootHash).toString('base64')}\n`,
      `o\n-1\n${Buffer.from(rootHash).toString('base64')}\n`,
      'o\n3\nAAAA\n',
      `o\n3\n${Buffer.from(rootHash).toString('base64')}`,
      `\n3\n${Buffer.from(rootHash).toString('base64')}\n`,
    ])
      expect(() => parseCheckpoint(bad), bad).toThrow();
  });
});
