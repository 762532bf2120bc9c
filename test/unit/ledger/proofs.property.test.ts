/**
 * The proof generators against the verifiers: every inclusion and consistency proof of every tree up to 64
 * leaves verifies, and any single-bit change (in a proof hash, the root, the leaf) or another index or size
 * makes verification fail.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactRange } from '../../../functions/ledger/core/compact-range.ts';
import { integrate, rootOf } from '../../../functions/ledger/core/integrate.ts';
import {
  consistencyProof,
  inclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../../functions/ledger/core/proofs.ts';
import { leafHash, nodeHash, splitPoint } from '../../../functions/ledger/core/rfc6962.ts';
import { MemoryHashSource } from '../../support/memory-hash-source.ts';

const N = 64;
const leaves = Array.from({ length: N }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
const source = new MemoryHashSource(leaves);

/** RFC 6962 MTH by its recursive definition, independent of the compact range. */
function mth(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return createHash('sha256').digest();
  if (hashes.length === 1) return hashes[0] as Uint8Array;
  const k = splitPoint(hashes.length);
  return nodeHash(mth(hashes.slice(0, k)), mth(hashes.slice(k)));
}

const roots = Array.from({ length: N + 1 }, (_, size) => mth(leaves.slice(0, size)));

function flip(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  const at = Math.floor(bit / 8) % copy.length;
  copy[at] = (copy[at] as number) ^ (1 << (bit % 8));
  return copy;
}

const fails = (fn: () => void) => expect(fn).toThrow();

describe('compact range', () => {
  it('matches the recursive MTH for every size up to 64, and restores from its state', () => {
    const range = CompactRange.empty();
    for (let size = 0; size <= N; size++) {
      expect(Buffer.from(range.root())).toEqual(Buffer.from(roots[size] as Uint8Array));
      const restored = CompactRange.of(range.size, range.hashes);
      expect(Buffer.from(restored.root())).toEqual(Buffer.from(roots[size] as Uint8Array));
      if (size < N) range.append(leaves[size] as Uint8Array);
    }
  });

  it('amortised one node hash per append; state is popcount(size) hashes', () => {
    const range = CompactRange.empty();
    let nodes = 0;
    const n = 4096;
    for (let i = 0; i < n; i++)
      range.append(leafHash(Buffer.from([i & 255, i >> 8])), (node) => {
        if (node.level > 0) nodes++;
      });
    expect(nodes).toBe(n - 1);
    expect(range.hashes.length).toBe(1);
  });

  it('integrate in batches equals one leaf at a time', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 12 }), (batches) => {
        let head = { size: 0, range: [] as readonly Uint8Array[] };
        for (const b of batches) {
          const batch = leaves.slice(head.size, Math.min(N, head.size + b));
          head = integrate(head, batch).head;
        }
        expect(Buffer.from(rootOf(head))).toEqual(Buffer.from(roots[head.size] as Uint8Array));
      }),
    );
  });
});

describe('every proof of every tree up to 64 leaves verifies', () => {
  it('inclusion: all (index, size)', async () => {
    let count = 0;
    for (let size = 1; size <= N; size++) {
      for (let index = 0; index < size; index++) {
        const proof = await inclusionProof(source, index, size);
        verifyInclusion(index, size, leaves[index] as Uint8Array, proof, roots[size] as Uint8Array);
        count++;
      }
    }
    expect(count).toBe((N * (N + 1)) / 2);
  });

  it('consistency: all (size1, size2), size1 <= size2', async () => {
    for (let size2 = 0; size2 <= N; size2++) {
      for (let size1 = 0; size1 <= size2; size1++) {
        const proof = await consistencyProof(source, size1, size2);
        verifyConsistency(size1, size2, roots[size1] as Uint8Array, roots[size2] as Uint8Array, proof);
      }
    }
  });
});

const inclusionCase = fc
  .integer({ min: 1, max: N })
  .chain((size) => fc.record({ size: fc.constant(size), index: fc.integer({ min: 0, max: size - 1 }) }));

describe('any single change breaks an inclusion proof (fast-check)', () => {
  it('one bit of one proof hash', async () => {
    await fc.assert(
      fc.asyncProperty(
        inclusionCase,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        async ({ size, index }, which, bit) => {
          const proof = await inclusionProof(source, index, size);
          fc.pre(proof.length > 0);
          const at = which % proof.length;
          const bad = proof.map((p, i) => (i === at ? flip(p, bit) : p));
          fails(() =>
            verifyInclusion(index, size, leaves[index] as Uint8Array, bad, roots[size] as Uint8Array),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('one bit of the root or the leaf', async () => {
    await fc.assert(
      fc.asyncProperty(
        inclusionCase,
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        async ({ size, index }, bit, root) => {
          const proof = await inclusionProof(source, index, size);
          const leaf = leaves[index] as Uint8Array;
          const r = roots[size] as Uint8Array;
          if (root) fails(() => verifyInclusion(index, size, leaf, proof, flip(r, bit)));
          else fails(() => verifyInclusion(index, size, flip(leaf, bit), proof, r));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('another index, another size, a hash added or removed', async () => {
    await fc.assert(
      fc.asyncProperty(inclusionCase, fc.nat(), fc.nat(), async ({ size, index }, otherIndex, otherSize) => {
        const proof = await inclusionProof(source, index, size);
        const leaf = leaves[index] as Uint8Array;
        const r = roots[size] as Uint8Array;
        const j = otherIndex % (N + 1);
        if (j !== index) fails(() => verifyInclusion(j, size, leaf, proof, r));
        // The size is bound to the root by the signed checkpoint: a proof for one tree never verifies
        // against another tree's root (a size with the same path shape and the same root can: RFC 9162).
        const s = 1 + (otherSize % N);
        if (s !== size && index < s)
          fails(() => verifyInclusion(index, s, leaf, proof, roots[s] as Uint8Array));
        fails(() => verifyInclusion(index, size * 2, leaf, proof, r));
        if (size > 1) fails(() => verifyInclusion(index, Math.floor(size / 2), leaf, proof, r));
        fails(() => verifyInclusion(index, size, leaf, [...proof, r], r));
        fails(() => verifyInclusion(index, size, leaf, [r, ...proof], r));
        if (proof.length > 0) fails(() => verifyInclusion(index, size, leaf, proof.slice(0, -1), r));
      }),
      { numRuns: 500 },
    );
  });
});

const consistencyCase = fc
  .integer({ min: 2, max: N })
  .chain((size2) => fc.record({ size2: fc.constant(size2), size1: fc.integer({ min: 1, max: size2 - 1 }) }));

describe('any single change breaks a consistency proof (fast-check)', () => {
  it('one bit of one proof hash, of root1 or of root2', async () => {
    await fc.assert(
      fc.asyncProperty(
        consistencyCase,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom('proof', 'root1', 'root2'),
        async ({ size1, size2 }, which, bit, target) => {
          const proof = await consistencyProof(source, size1, size2);
          const r1 = roots[size1] as Uint8Array;
          const r2 = roots[size2] as Uint8Array;
          if (target === 'proof') {
            const at = which % proof.length;
            const bad = proof.map((p, i) => (i === at ? flip(p, bit) : p));
            fails(() => verifyConsistency(size1, size2, r1, r2, bad));
          } else if (target === 'root1')
            fails(() => verifyConsistency(size1, size2, flip(r1, bit), r2, proof));
          else fails(() => verifyConsistency(size1, size2, r1, flip(r2, bit), proof));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('other sizes, swapped roots, truncated or extended proofs', async () => {
    await fc.assert(
      fc.asyncProperty(consistencyCase, fc.nat(), fc.nat(), async ({ size1, size2 }, a, b) => {
        const proof = await consistencyProof(source, size1, size2);
        const r1 = roots[size1] as Uint8Array;
        const r2 = roots[size2] as Uint8Array;
        const s1 = 1 + (a % N);
        if (s1 !== size1 && s1 < size2)
          fails(() => verifyConsistency(s1, size2, roots[s1] as Uint8Array, r2, proof));
        const s2 = 1 + (b % N);
        if (s2 !== size2 && s2 > size1)
          fails(() => verifyConsistency(size1, s2, r1, roots[s2] as Uint8Array, proof));
        fails(() => verifyConsistency(size1 + 1, size2, r1, r2, proof));
        if (size1 > 1) fails(() => verifyConsistency(size1 - 1, size2, r1, r2, proof));
        fails(() => verifyConsistency(size1, size2 * 2, r1, r2, proof));
        fails(() => verifyConsistency(size1, size2, r2, r1, proof));
        fails(() => verifyConsistency(size1, size2, r1, r2, proof.slice(0, -1)));
        fails(() => verifyConsistency(size1, size2, r1, r2, [...proof, r2]));
        fails(() => verifyConsistency(size1, size2, r1, r2, [r1, ...proof]));
      }),
      { numRuns: 1000 },
    );
  });
});
