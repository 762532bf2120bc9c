/** Test helper: every node of a tree built in memory from its leaf hashes. */
import { CompactRange } from '../../functions/ledger/core/compact-range.ts';
import type { HashSource, NodeId } from '../../functions/ledger/core/node-id.ts';

export class MemoryHashSource implements HashSource {
  readonly #nodes = new Map<string, Uint8Array>();
  readonly range = CompactRange.empty();

  constructor(leafHashes: readonly Uint8Array[] = []) {
    for (const leaf of leafHashes) this.append(leaf);
  }

  append(leaf: Uint8Array): void {
    this.range.append(leaf, (node) => this.#nodes.set(`${node.level}/${node.index}`, node.hash));
  }

  async nodeHashes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    return ids.map(({ level, index }) => {
      const hash = this.#nodes.get(`${level}/${index}`);
      if (!hash) throw new Error(`no node ${level}/${index}`);
      return hash;
    });
  }
}
