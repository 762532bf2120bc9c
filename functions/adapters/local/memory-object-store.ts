import type { ObjectStore } from '../../ports/object-store.ts';

/** Objects held in memory, in front of an optional store that answers for everything else. */
export class MemoryObjectStore implements ObjectStore {
  private readonly objects = new Map<string, Uint8Array>();

  constructor(private readonly fallback?: ObjectStore) {}

  async get(uri: string): Promise<Uint8Array | undefined> {
    return this.objects.get(uri) ?? this.fallback?.get(uri);
  }

  async stat(uri: string): Promise<{ size: number } | undefined> {
    const bytes = this.objects.get(uri);
    return bytes ? { size: bytes.byteLength } : this.fallback?.stat(uri);
  }

  async put(uri: string, body: Uint8Array | string): Promise<void> {
    this.objects.set(uri, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }
}
