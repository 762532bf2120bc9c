import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { ed25519Signer } from '../../../../functions/ledger/core/note-keys.ts';
import { UsageError } from '../../../../functions/local/cli/exit-codes.ts';
import { collect, flagName, verifierKeyLines } from '../../../../functions/local/cli/options.ts';

const one = ed25519Signer('verdict.test/one', new Uint8Array(32).fill(1)).verifierKey;
const two = ed25519Signer('verdict.test/two', new Uint8Array(32).fill(2)).verifierKey;

describe('flagName', () => {
  it('names a domain field by its flag', () => {
    expect(flagName('model')).toBe('--model');
    expect(flagName('maxFindings')).toBe('--max-findings');
  });
});

describe('collect', () => {
  it('gathers every value of a repeatable option, in order', () => {
    const program = new Command().exitOverride().option('--key <vkey>', 'key', collect);
    program.parse(['--key', 'a', '--key', 'b'], { from: 'user' });
    expect(program.opts().key).toEqual(['a', 'b']);
  });
});

describe('verifierKeyLines', () => {
  it('takes a key inline, or a file of keys whatever its line endings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verdict-keys-'));
    const file = join(dir, 'trusted.vkeys');
    writeFileSync(file, `\uFEFF${one}\r\n\r\n  ${two}  \r\n`);
    expect(verifierKeyLines([` ${one} `])).toEqual([one]);
    expect(verifierKeyLines([file, one])).toEqual([one, two, one]);
  });

  it('refuses a malformed key as a usage error that names it', () => {
    expect(() => verifierKeyLines(['not+a+key'])).toThrow(UsageError);
    expect(() => verifierKeyLines(['not+a+key'])).toThrow('invalid verifier key "not+a+key": ');
  });
});
