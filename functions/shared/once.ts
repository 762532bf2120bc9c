/** Runs `open` on the first call and shares its promise with every later call. */
export function once<T>(open: () => Promise<T>): (() => Promise<T>) & { started(): boolean } {
  let value: Promise<T> | undefined;
  return Object.assign(() => (value ??= open()), { started: () => value !== undefined });
}
