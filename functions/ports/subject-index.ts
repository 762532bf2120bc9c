/**
 * The subject index: keyed hashes of subject keys (SubjectKeyHasher) -> the dataset versions and rows that
 * hold them. It never holds a raw identifier. The erasure workflow locates a person through it.
 */

/** Rows of one dataset version holding one hashed subject key: parallel arrays, no object per row. */
export interface SubjectRows {
  macs: readonly Uint8Array[];
  /** 1-based data rows (the header is not counted), one per mac. */
  rows: readonly number[];
}

export interface SubjectLocation {
  datasetVersionId: string;
  /** Data rows holding the subject, ascending. */
  rows: number[];
}

export interface SubjectIndex {
  /** Forgets what was indexed for the version, so that indexing it again replaces rather than adds. */
  clear(datasetVersionId: string): Promise<void>;
  /** Adds one batch of the version's rows; a (mac, version, row) already there is kept once. */
  add(datasetVersionId: string, batch: SubjectRows): Promise<void>;
  /** Every dataset version holding the hashed key, by version id. */
  locate(mac: Uint8Array): Promise<SubjectLocation[]>;
}
