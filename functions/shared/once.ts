/**
 * Runs `open` on the first call and shares its promise with every later call. A failed open is
 * forgotten, so the next call tries again instead of failing for the life of the process.
 */
export function once<T>(open: () => Promise<T>): (() => Promise<T>) & { started(): boolean } {
  let value: Promise<T> | undefined;
  const get = () => {
    value ??= open().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
  return Object.assign(get, { started: () => value !== undefined });
}
