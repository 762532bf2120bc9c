/**
 * RFC 9162 inclusion (2.1.3) and consistency (2.1.4) proofs: generation from any HashSource, and the
 * verification algorithms of sections 2.1.3.2 and 2.1.4.2 step by step.
 *
 * Generation runs in two steps so that a remote store can fetch everything in one round trip: a plan (pure:
 * which perfect subtrees make up each proof element), then the hashes. Each proof element is the hash of a
 * range of leaves, which is the right fold of the perfect subtrees that tile it.
 */
import { foldRight } from './compact-range.ts';
import { type HashSource, type NodeId, rangeNodes } from './node-id.ts';
import { HASH_SIZE, hashesEqual, nodeHash, splitPoint } from './rfc6962.ts';

/** One list of nodes per proof element, in proof order (from the leaves up). */
export type ProofPlan = NodeId[][];

export class ProofError extends Error {
  override readonly name = 'ProofError';
}

function checkSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ProofError(`${name} must be a non-negative integer, got ${n}`);
}

/** PATH(m, D[n]) of RFC 9162 2.1.3.1, as the leaf ranges of its elements. */
function inclusionPlan(index: number, size: number): ProofPlan {
  checkSize('index', index);
  checkSize('size', size);
  if (index >= size) throw new ProofError(`index ${index} is not below tree size ${size}`);
  const ranges: [number, number][] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index - lo < k) {
      ranges.push([lo + k, hi]);
      hi = lo + k;
    } else {
      ranges.push([lo, lo + k]);
      lo += k;
    }
  }
  return ranges.reverse().map(([a, b]) => rangeNodes(a, b));
}

/** PROOF(m, D[n]) of RFC 9162 2.1.4.1 (SUBPROOF with b = true), as leaf ranges. Empty when m is 0 or n. */
function consistencyPlan(from: number, to: number): ProofPlan {
  checkSize('from', from);
  checkSize('to', to);
  if (from > to) throw new ProofError(`cannot prove consistency from size ${from} to the smaller size ${to}`);
  if (from === 0 || from === to) return [];
  const ranges: [number, number][] = [];
  let lo = 0;
  let hi = to;
  let complete = true;
  for (;;) {
    if (from === hi) {
      if (!complete) ranges.push([lo, hi]);
      break;
    }
    const k = splitPoint(hi - lo);
    if (from - lo <= k) {
      ranges.push([lo + k, hi]);
      hi = lo + k;
    } else {
      ranges.push([lo, lo + k]);
      lo += k;
      complete = false;
    }
  }
  return ranges.reverse().map(([a, b]) => rangeNodes(a, b));
}

/** Fetches the plan's nodes in one call and folds them into proof hashes. */
export async function resolvePlan(source: HashSource, plan: ProofPlan): Promise<Uint8Array[]> {
  const hashes = await source.nodeHashes(plan.flat());
  let at = 0;
  return plan.map((nodes) => {
    const part = hashes.slice(at, at + nodes.length);
    at += nodes.length;
    return foldRight(part) as Uint8Array;
  });
}

export function inclusionProof(source: HashSource, index: number, size: number): Promise<Uint8Array[]> {
  return resolvePlan(source, inclusionPlan(index, size));
}

export function consistencyProof(source: HashSource, from: number, to: number): Promise<Uint8Array[]> {
  return resolvePlan(source, consistencyPlan(from, to));
}

function checkHashes(proof: readonly Uint8Array[], ...hashes: Uint8Array[]): void {
  for (const h of [...proof, ...hashes])
    if (h.length !== HASH_SIZE) throw new ProofError(`hash of ${h.length} bytes, expected ${HASH_SIZE}`);
}

/** RFC 9162 2.1.3.2 steps 1-4: the root that `proof` leads to from `leaf` at `index` in a tree of `size`. */
function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  checkSize('index', index);
  checkSize('size', size);
  checkHashes(proof, leaf);
  if (index >= size) throw new ProofError(`index ${index} is not below tree size ${size}`);
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) throw new ProofError('inclusion proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofError('inclusion proof is too short');
  return r;
}

/** RFC 9162 2.1.3.2: throws ProofError unless `proof` shows `leaf` at `index` in the tree with `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkHashes([], root);
  const computed = rootFromInclusionProof(index, size, leaf, proof);
  if (!hashesEqual(computed, root)) throw new ProofError('inclusion proof does not lead to the root hash');
}

/**
 * RFC 9162 2.1.4.2: throws ProofError unless `proof` shows that the tree of `size1` leaves with `root1` is a
 * prefix of the tree of `size2` leaves with `root2`. Equal sizes need equal roots and an empty proof; from an
 * empty tree, any tree is consistent with an empty proof.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  checkSize('size1', size1);
  checkSize('size2', size2);
  checkHashes(proof, root1, root2);
  if (size2 < size1) throw new ProofError(`size ${size2} is smaller than the earlier size ${size1}`);
  if (size1 === size2) {
    if (proof.length !== 0) throw new ProofError('consistency proof between equal sizes must be empty');
    if (!hashesEqual(root1, root2)) throw new ProofError(`two different roots for tree size ${size1}`);
    return;
  }
  if (size1 === 0) {
    if (proof.length !== 0) throw new ProofError('consistency proof from the empty tree must be empty');
    return;
  }
  // 1. An empty path fails.
  if (proof.length === 0) throw new ProofError('consistency proof is empty');
  // 2. If first is an exact power of 2, prepend first_hash.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  // 3.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // 4.
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  // 5.
  let fr = path[0] as Uint8Array;
  let sr = fr;
  // 6.
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError('consistency proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 7.
  if (sn !== 0) throw new ProofError('consistency proof is too short');
  if (!hashesEqual(fr, root1))
    throw new ProofError(`consistency proof does not lead to the root of size ${size1}`);
  if (!hashesEqual(sr, root2))
    throw new ProofError(`consistency proof does not lead to the root of size ${size2}`);
}

function isPowerOfTwo(n: number): boolean {
  let v = n;
  while (v > 1 && v % 2 === 0) v /= 2;
  return v === 1;
}
