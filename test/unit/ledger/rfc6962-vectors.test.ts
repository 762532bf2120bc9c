/**
 * Published RFC 6962 test vectors: transparency-dev/merkle (formerly Trillian merkle/testonly),
 * rfc6962/rfc6962_test.go and proof/verify_test.go. Leaves are "", 00, 10, 2021, 3031, 40414243,
 * 5051525354555657, 606162636465666768696a6b6c6d6e6f; roots are of the first 1..8 leaves; inclusion proofs
 * are {leaf (1-based), size}; consistency proofs {size1, size2}.
 */
import { describe, expect, it } from 'vitest';
import { CompactRange } from '../../../functions/ledger/core/compact-range.ts';
import {
  consistencyProof,
  inclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../../functions/ledger/core/proofs.ts';
import { EMPTY_ROOT, leafHash, nodeHash } from '../../../functions/ledger/core/rfc6962.ts';
import { MemoryHashSource } from '../../support/memory-hash-source.ts';

const h = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(h);

const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const INCLUSION: { leaf: number; size: number; proof: string[] }[] = [
  { leaf: 1, size: 1, proof: [] },
  {
    leaf: 1,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    leaf: 6,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { leaf: 3, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    leaf: 2,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

const CONSISTENCY: { size1: number; size2: number; proof: string[] }[] = [
  { size1: 1, size2: 1, proof: [] },
  {
    size1: 1,
    size2: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    size1: 2,
    size2: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    size1: 6,
    size2: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const source = new MemoryHashSource(LEAVES.map(leafHash));

describe('RFC 6962 hashing (rfc6962_test.go)', () => {
  it('empty tree, empty leaf, leaf and node', () => {
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(leafHash(new Uint8Array()))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    expect(hex(leafHash(Buffer.from('L123456')))).toBe(
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
    expect(hex(nodeHash(Buffer.from('N123'), Buffer.from('N456')))).toBe(
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
  });
});

describe('roots of the first n leaves', () => {
  it.each(ROOTS.map((root, i) => [i + 1, root] as const))('size %i', (size, root) => {
    const range = CompactRange.empty();
    for (const leaf of LEAVES.slice(0, size)) range.append(leafHash(leaf));
    expect(hex(range.root())).toBe(root);
  });
});

describe('inclusion proofs (verify_test.go inclusionProofs)', () => {
  it.each(INCLUSION)('leaf $leaf of $size', async ({ leaf, size, proof }) => {
    const generated = await inclusionProof(source, leaf - 1, size);
    expect(generated.map(hex)).toEqual(proof);
    verifyInclusion(
      leaf - 1,
      size,
      leafHash(LEAVES[leaf - 1] as Uint8Array),
      proof.map(h),
      h(ROOTS[size - 1] as string),
    );
  });
});

describe('consistency proofs (verify_test.go consistencyProofs)', () => {
  it.each(CONSISTENCY)('$size1 -> $size2', async ({ size1, size2, proof }) => {
    const generated = await consistencyProof(source, size1, size2);
    expect(generated.map(hex)).toEqual(proof);
    verifyConsistency(
      size1,
      size2,
      h(ROOTS[size1 - 1] as string),
      h(ROOTS[size2 - 1] as string),
      proof.map(h),
    );
  });
});

describe('edge cases of verify_test.go', () => {
  const some = h('abacaba000000000000000000000000000000000000000000060061e00123456');
  it('rejects inclusion for index >= size and for an empty tree', () => {
    for (const [index, size] of [
      [0, 0],
      [1, 0],
      [2, 1],
    ] as const)
      expect(() => verifyInclusion(index, size, some, [], EMPTY_ROOT)).toThrow();
  });
  it('single-entry tree: the root is the leaf hash and the proof empty', () => {
    const leaf = leafHash(Buffer.from('data'));
    verifyInclusion(0, 1, leaf, [], leaf);
    expect(() => verifyInclusion(0, 1, leaf, [], new Uint8Array())).toThrow();
    expect(() => verifyInclusion(0, 1, new Uint8Array(), [], leaf)).toThrow();
  });
  it('consistency: trivial sizes, time travel, empty proof', () => {
    const r1 = h(ROOTS[0] as string);
    const r2 = h(ROOTS[1] as string);
    verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, []);
    verifyConsistency(0, 1, EMPTY_ROOT, r1, []);
    verifyConsistency(1, 1, r1, r1, []);
    expect(() => verifyConsistency(1, 1, r1, r2, [])).toThrow('two different roots');
    expect(() => verifyConsistency(1, 0, r1, r2, [])).toThrow();
    expect(() => verifyConsistency(2, 1, r1, r2, [])).toThrow();
    expect(() => verifyConsistency(1, 2, r1, r2, [])).toThrow('empty');
    expect(() => verifyConsistency(0, 1, EMPTY_ROOT, r1, [EMPTY_ROOT])).toThrow();
    expect(() => verifyConsistency(1, 1, r1, r1, [EMPTY_ROOT])).toThrow();
  });
});
