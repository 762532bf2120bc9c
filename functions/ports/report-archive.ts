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

/**
 * The files archived for one report: the report, its signed manifest (`<key>.manifest`) and, where the
 * archive keeps it, its citations (`<key>.citations`). Each can be linked for download.
 */
export const REPORT_PARTS = ['report', 'manifest', 'citations'] as const;
export type ReportPart = (typeof REPORT_PARTS)[number];

/** A download link's credentials, as the archive that issued it signed them. */
export interface DownloadLink {
  /** Unix seconds. */
  expires: number;
  token: string;
}

/** A report file (or its manifest or citations) read back for a download link. */
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
   * ledger entries the report cites) also `<key>.citations`. A ledger export is stored without a manifest
   * (its signed checkpoints vouch for it).
   */
  put(key: string, report: ArchivedFile, manifest?: string, citations?: string): Promise<void>;
  /**
   * A GET link to one part of the report (default the report itself) that stops working after
   * `ttlSeconds`; undefined when the archive keeps no such part of it (citations). `fileName` is the
   * report's: a part's download is named after it (`<fileName>.manifest`).
   */
  downloadUrl(
    key: string,
    ttlSeconds: number,
    fileName: string,
    part?: ReportPart,
  ): Promise<string | undefined>;
  /** Whether `put` keeps a citations file (the worker only writes one for an archive that keeps it). */
  readonly keepsCitations?: boolean;
  /**
   * Archives whose links are not served elsewhere (locally; S3 serves its presigned links itself): the
   * part of the report behind a link this archive issued. Throws DownloadLinkError for a link it did not
   * issue for that part or that has expired.
   */
  open?(key: string, link: DownloadLink, part?: ReportPart): Promise<ArchivedReport>;
}
