import {
  type DeadLetter,
  type DeadLetterStore,
  DeadLetterStoreFullError,
  type NewDeadLetter,
  shortError,
} from './dead-letters.ts';

/** An in-memory store for a bus without a data directory (tests, `:memory:` runtimes), bounded too. */
export class MemoryDeadLetterStore implements DeadLetterStore {
  readonly #letters = new Map<string, DeadLetter>();
  #next = 0;
  constructor(private readonly maxLetters = 1000) {}

  async record(letter: NewDeadLetter): Promise<string> {
    if (this.#letters.size >= this.maxLetters) {
      throw new DeadLetterStoreFullError(`the dead-letter store is full (${this.maxLetters} letters)`);
    }
    const id = `dl-${++this.#next}`;
    this.#letters.set(id, {
      ...letter,
      id,
      error: shortError(letter.error),
      failedAt: new Date().toISOString(),
      attempts: 1,
    });
    return id;
  }

  async list(options: { limit?: number } = {}): Promise<DeadLetter[]> {
    return [...this.#letters.values()].slice(0, options.limit ?? this.maxLetters);
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    return this.#letters.get(id);
  }

  async remove(id: string): Promise<void> {
    this.#letters.delete(id);
  }

  async noteFailure(id: string, error: string): Promise<void> {
    const letter = this.#letters.get(id);
    if (letter) this.#letters.set(id, { ...letter, attempts: letter.attempts + 1, error: shortError(error) });
  }
}
