/**
 * Context that makes a candidate more or less likely to be what it looks like: the column (CSV header,
 * JSON key, Parquet column) and the words just before the value inside the field.
 *
 * A positive hint (a column named `ssn`, `phone`, `email`, ... or "SSN:" right before the value) raises
 * the score and enables the weak forms of a recogniser (bare digits). A negative hint (an identifier-like
 * column: `order_id`, `sku`, `version`, `timestamp`, ...) lowers the score of digit-only forms, which are
 * the ones an identifier can imitate; it never affects forms with their own structure (e-mail, IBAN).
 */
import type { PiiEntity } from './entities.ts';

/** Whole words (a column name's tokens, or the words before a value) that point to one entity. */
const ENTITY_WORDS: Record<string, PiiEntity> = {
  card: 'CREDIT_CARD',
  cards: 'CREDIT_CARD',
  cc: 'CREDIT_CARD',
  ccn: 'CREDIT_CARD',
  pan: 'CREDIT_CARD',
  visa: 'CREDIT_CARD',
  mastercard: 'CREDIT_CARD',
  amex: 'CREDIT_CARD',
  iban: 'IBAN_CODE',
  ssn: 'US_SSN',
  ssns: 'US_SSN',
  phone: 'PHONE_NUMBER',
  phones: 'PHONE_NUMBER',
  telephone: 'PHONE_NUMBER',
  tel: 'PHONE_NUMBER',
  mobile: 'PHONE_NUMBER',
  cell: 'PHONE_NUMBER',
  cellphone: 'PHONE_NUMBER',
  msisdn: 'PHONE_NUMBER',
  fax: 'PHONE_NUMBER',
  email: 'EMAIL_ADDRESS',
  emails: 'EMAIL_ADDRESS',
  mail: 'EMAIL_ADDRESS',
  ip: 'IP_ADDRESS',
  ipv4: 'IP_ADDRESS',
  ipv6: 'IP_ADDRESS',
  ipaddr: 'IP_ADDRESS',
  nhs: 'UK_NHS',
  nif: 'ES_NIF',
  dni: 'ES_NIF',
  nie: 'ES_NIE',
};

/** Run-together names that point to one entity wherever they occur in a squashed column name. */
const ENTITY_PHRASES: readonly (readonly [string, PiiEntity])[] = [
  ['creditcard', 'CREDIT_CARD'],
  ['cardnumber', 'CREDIT_CARD'],
  ['cardno', 'CREDIT_CARD'],
  ['ccnum', 'CREDIT_CARD'],
  ['bankaccount', 'IBAN_CODE'],
  ['socialsecurity', 'US_SSN'],
  ['phonenumber', 'PHONE_NUMBER'],
  ['phoneno', 'PHONE_NUMBER'],
  ['telno', 'PHONE_NUMBER'],
  ['mobilenumber', 'PHONE_NUMBER'],
  ['email', 'EMAIL_ADDRESS'],
  ['ipaddress', 'IP_ADDRESS'],
  ['ipaddr', 'IP_ADDRESS'],
  ['remoteaddr', 'IP_ADDRESS'],
  ['clientip', 'IP_ADDRESS'],
  ['sourceip', 'IP_ADDRESS'],
  ['nhsnumber', 'UK_NHS'],
  ['codicefiscale', 'IT_FISCAL_CODE'],
  ['fiscalcode', 'IT_FISCAL_CODE'],
];

/** Words of identifier-like columns whose digit strings are not personal data by default. */
const IDENTIFIER_WORDS = new Set([
  'id',
  'ids',
  'uuid',
  'guid',
  'key',
  'order',
  'orders',
  'invoice',
  'sku',
  'ean',
  'upc',
  'gtin',
  'isbn',
  'asin',
  'tracking',
  'ref',
  'reference',
  'serial',
  'seq',
  'sequence',
  'timestamp',
  'ts',
  'epoch',
  'time',
  'date',
  'version',
  'ver',
  'build',
  'release',
  'checksum',
  'hash',
  'product',
  'part',
  'item',
  'batch',
  'lot',
  'txn',
  'model',
]);

export interface Hints {
  /** Entities the context points to. */
  readonly positive: ReadonlySet<PiiEntity>;
  /** The context is an identifier, a timestamp or a version: digit-only forms are probably not PII. */
  readonly negative: boolean;
  /** The context names versions: a dotted quad is a version number, not an IPv4 address. */
  readonly version: boolean;
}

export const NO_HINTS: Hints = { positive: new Set(), negative: false, version: false };

/** Words that make a dotted quad a version number (in a column name or right before the quad). */
export const VERSION_WORDS = new Set([
  'v',
  'version',
  'ver',
  'release',
  'rel',
  'build',
  'firmware',
  'fw',
  'sdk',
  'rev',
  'revision',
]);

/** `customerEmail`, `cc_num`, `IPAddress`, `items[].card` -> lower-case words. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** The hints a column name gives (computed once per column). */
export function columnHints(column: string | null): Hints {
  if (!column) return NO_HINTS;
  // The last path segment names the value; for `customer.phone` that is `phone`, for `phone.type` it is not.
  const segments = column.split('.');
  const leaf = segments[segments.length - 1] ?? column;
  const tokens = words(leaf);
  const positive = new Set<PiiEntity>();
  for (const token of tokens) {
    const entity = ENTITY_WORDS[token];
    if (entity) positive.add(entity);
  }
  const squashed = tokens.join('');
  for (const [phrase, entity] of ENTITY_PHRASES) if (squashed.includes(phrase)) positive.add(entity);
  const negative = positive.size === 0 && tokens.some((t) => IDENTIFIER_WORDS.has(t));
  const version = positive.size === 0 && tokens.some((t) => VERSION_WORDS.has(t));
  return { positive, negative, version };
}

/**
 * Hints from the (at most three) words right before a value in the same field: "SSN: 078-05-1120",
 * "call +44 ...", "order #4111...". Only consulted for a candidate that already passed its validator.
 */
export function inlineHints(text: string, start: number): Hints {
  if (start === 0) return NO_HINTS;
  const before = words(text.slice(Math.max(0, start - 40), start)).slice(-3);
  if (before.length === 0) return NO_HINTS;
  const positive = new Set<PiiEntity>();
  for (const token of before) {
    const entity = ENTITY_WORDS[token];
    if (entity) positive.add(entity);
  }
  const last = before[before.length - 1] as string;
  const negative = positive.size === 0 && IDENTIFIER_WORDS.has(last);
  return { positive, negative, version: positive.size === 0 && VERSION_WORDS.has(last) };
}
