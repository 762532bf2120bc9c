import { type ByteRange, checkRange, type ObjectStore } from '../../ports/object-store.ts';

const CHUNK = 64 * 1024;

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

  async getRange(uri: string, start: number, endExclusive: number): Promise<Uint8Array | undefined> {
    checkRange(start, endExclusive);
    const bytes = this.objects.get(uri);
    if (!bytes) return this.fallback?.getRange(uri, start, endExclusive);
    return bytes.slice(start, Math.max(start, endExclusive));
  }

  async stream(uri: string, range: ByteRange = {}): Promise<AsyncIterable<Uint8Array> | undefined> {
    const start = range.start ?? 0;
    checkRange(start, range.end);
    const bytes = this.objects.get(uri);
    if (!bytes) return this.fallback?.stream(uri, range);
    const end = Math.max(start, Math.min(range.end ?? bytes.byteLength, bytes.byteLength));
    return (async function* () {
      for (let at = start; at < end; at += CHUNK) yield bytes.slice(at, Math.min(end, at + CHUNK));
    })();
  }
}
