/**
 * Folding a batch of new leaves into the tree: the pure step a store runs inside its write transaction (or
 * retries after a lost conditional write), so every store driver extends the tree the same way.
 */
import { CompactRange, type TreeNode } from './compact-range.ts';

/** What a store keeps about the tree between batches: its size and compact range [0, size). */
export interface TreeHead {
  size: number;
  range: readonly Uint8Array[];
}

export interface Integration {
  head: TreeHead;
  /** The perfect subtrees (level >= 1) this batch completed; leaf hashes are stored with their entries. */
  nodes: TreeNode[];
}

export type Integrate = (head: TreeHead, leafHashes: readonly Uint8Array[]) => Integration;

export const integrate: Integrate = (head, leafHashes) => {
  const range = CompactRange.of(head.size, head.range);
  const nodes: TreeNode[] = [];
  for (const leaf of leafHashes) {
    range.append(leaf, (node) => {
      if (node.level > 0) nodes.push(node);
    });
  }
  return { head: { size: range.size, range: range.hashes }, nodes };
};

export function rootOf(head: TreeHead): Uint8Array {
  return CompactRange.of(head.size, head.range).root();
}
