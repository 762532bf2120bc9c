/**
 * Where finished reports are kept, write-once: S3 with Object Lock in AWS, the data directory locally.
 */

export interface ArchivedFile {
  /** A local file (the worker's scratch space). */
  path: string;
  /** Hex. */
  sha256: string;
  bytes: number;
  contentType: string;
}

/** A download link's credentials, as the archive that issued it signed them. */
export interface DownloadLink {
  /** Unix seconds. */
  expires: number;
  token: string;
}

/** A report file read back for a download link. */
export interface ArchivedReport {
  bytes: Uint8Array;
  contentType: string;
}

/** Why a download link is refused: not one this archive issued for that report, or past its expiry. */
export class DownloadLinkError extends Error {
  override readonly name = 'DownloadLinkError';
  constructor(
    readonly reason: 'invalid' | 'expired',
    message: string,
  ) {
    super(message);
  }
}

export interface ReportArchive {
  /**
   * Stores the report and, at `<key>.manifest`, its signed manifest; with `citations` (a local file of the
   * ledger entries the report cites) also `<key>.citations`.
   */
  put(key: string, report: ArchivedFile, manifest: string, citations?: string): Promise<void>;
  /** A GET link to the report that stops working after `ttlSeconds`. */
  downloadUrl(key: string, ttlSeconds: number, fileName: string): Promise<string>;
  /** Whether `put` keeps a citations file (the worker only writes one for an archive that keeps it). */
  readonly keepsCitations?: boolean;
  /**
   * Archives whose links are not served elsewhere (locally; S3 serves its presigned links itself): the
   * report behind a link this archive issued. Throws DownloadLinkError for a link it did not issue or that
   * has expired.
   */
  open?(key: string, link: DownloadLink): Promise<ArchivedReport>;
}
