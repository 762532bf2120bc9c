/**
 * The compact range [0, size) of a log: the roots of the perfect subtrees that tile the leaves, largest
 * first (one per set bit of `size`). It is the whole state a sequencer needs to extend the tree: O(log n)
 * hashes, and appending a leaf costs one hash per trailing one bit of `size`, i.e. amortised one.
 */

import type { NodeId } from './node-id.ts';
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './rfc6962.ts';

export interface TreeNode extends NodeId {
  hash: Uint8Array;
}

export class CompactRange {
  #size: number;
  readonly #hashes: Uint8Array[];

  private constructor(size: number, hashes: Uint8Array[]) {
    this.#size = size;
    this.#hashes = hashes;
  }

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** Restores a range from its size and hashes; throws if they do not fit together. */
  static of(size: number, hashes: readonly Uint8Array[]): CompactRange {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid tree size ${size}`);
    if (hashes.length !== popcount(size))
      throw new RangeError(
        `a compact range of size ${size} has ${popcount(size)} hashes, got ${hashes.length}`,
      );
    for (const h of hashes)
      if (h.length !== HASH_SIZE) throw new RangeError('compact range hash of wrong size');
    return new CompactRange(size, [...hashes]);
  }

  get size(): number {
    return this.#size;
  }

  get hashes(): readonly Uint8Array[] {
    return this.#hashes;
  }

  /**
   * Appends the leaf with hash `leaf`. `onNode` sees every node that becomes final: the leaf itself (level 0)
   * and each perfect subtree the append completes.
   */
  append(leaf: Uint8Array, onNode?: (node: TreeNode) => void): void {
    let hash = leaf;
    let index = this.#size;
    let level = 0;
    onNode?.({ level, index, hash });
    while (index % 2 === 1) {
      const left = this.#hashes.pop() as Uint8Array;
      hash = nodeHash(left, hash);
      index = (index - 1) / 2;
      level++;
      onNode?.({ level, index, hash });
    }
    this.#hashes.push(hash);
    this.#size++;
  }

  /** The RFC 6962 root hash of the leaves [0, size). */
  root(): Uint8Array {
    return foldRight(this.#hashes) ?? EMPTY_ROOT;
  }

  clone(): CompactRange {
    return new CompactRange(this.#size, [...this.#hashes]);
  }
}

/** `h0 ⊕ (h1 ⊕ (... ⊕ hn))`: the hash of perfect subtrees of strictly decreasing size, left to right. */
export function foldRight(hashes: readonly Uint8Array[]): Uint8Array | undefined {
  let root = hashes.at(-1);
  for (let i = hashes.length - 2; i >= 0; i--) root = nodeHash(hashes[i] as Uint8Array, root as Uint8Array);
  return root;
}

export function popcount(n: number): number {
  let count = 0;
  for (let v = n; v > 0; v = Math.floor(v / 2)) count += v % 2;
  return count;
}
