/**
 * The PII entity types the scanner recognises, with Presidio's names (the de facto standard), and the
 * shapes of what a scan reports. A finding never carries the value it found: only where it is and a
 * masked preview.
 */

export const PII_ENTITIES = [
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_SSN',
  'PHONE_NUMBER',
  'EMAIL_ADDRESS',
  'IP_ADDRESS',
  'UK_NHS',
  'ES_NIF',
  'ES_NIE',
  'IT_FISCAL_CODE',
] as const;

export type PiiEntity = (typeof PII_ENTITIES)[number];

/** One recognised value inside one field (or line): offsets are UTF-16 code units of that field. */
export interface PiiMatch {
  entity: PiiEntity;
  start: number;
  end: number;
  score: number;
  preview: string;
}

export interface PiiFinding {
  entity: PiiEntity;
  file: string;
  /** 1-based: the data row of a CSV (the header is not counted), the line of a text or JSONL file, the row of a Parquet file. Null inside a sampled window, whose position in rows is unknown: see byteOffset. */
  row: number | null;
  /** The CSV header, the JSON field path (`customer.email`, `items[].card`), the Parquet column path; null for a text line. */
  column: string | null;
  /** Offsets of the value inside the field (or the text line), in UTF-16 code units, end exclusive. */
  start: number;
  end: number;
  /** The value masked: at most the first and last 4 digits of a card, otherwise only its shape. */
  preview: string;
  score: number;
  /** Byte offset in the file of the line or record holding the value, where the reader knows it. */
  byteOffset?: number;
}

export type PiiSummary = Partial<Record<PiiEntity, number>>;
