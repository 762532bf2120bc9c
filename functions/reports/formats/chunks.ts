/** Batches small strings into chunks of about 64 KiB, so a million rows are not a million writes. */
export class TextChunks {
  #parts: string[] = [];
  #size = 0;

  constructor(readonly limit = 64 * 1024) {}

  push(text: string): void {
    this.#parts.push(text);
    this.#size += text.length;
  }

  get full(): boolean {
    return this.#size >= this.limit;
  }

  take(): string {
    const text = this.#parts.join('');
    this.#parts = [];
    this.#size = 0;
    return text;
  }
}
