/**
 * Addressing the tree: node (level, index) is the root of the perfect subtree over leaves
 * [index * 2^level, (index + 1) * 2^level). Level 0 nodes are the leaf hashes. Such nodes never change once
 * their last leaf is appended, which is what lets a store keep them write-once (rows, tiles, objects).
 */
export interface NodeId {
  level: number;
  index: number;
}

/** Where a store finds node hashes: an SQLite table, tiles on disk or in S3, an array in memory. */
export interface HashSource {
  /** The hashes of `ids`, in order; fails if any is not (yet) in the tree. */
  nodeHashes(ids: readonly NodeId[]): Promise<Uint8Array[]>;
}

/**
 * The perfect subtrees that tile leaves [begin, end), left to right. When `begin` is a multiple of the
 * largest power of two not above `end - begin` (always so for the ranges of RFC 9162 proofs), their sizes
 * strictly decrease and the RFC 6962 hash of the range is their right fold.
 */
export function rangeNodes(begin: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let at = begin;
  while (at < end) {
    let size = 1;
    let level = 0;
    while (at % (size * 2) === 0 && at + size * 2 <= end) {
      size *= 2;
      level++;
    }
    nodes.push({ level, index: at / size });
    at += size;
  }
  return nodes;
}
