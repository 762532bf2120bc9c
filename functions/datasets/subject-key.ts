/**
 * How a subject key value is normalised before it is hashed, the same when a dataset is indexed and when a
 * person is looked up: Unicode NFKC, surrounding white space removed, lower case. So ` ABC-1 ` in a CSV and
 * `abc-1` typed by a privacy officer find each other. An empty value identifies no one and is not indexed.
 */
export function normaliseSubjectKey(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase();
}
