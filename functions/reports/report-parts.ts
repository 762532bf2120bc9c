/** Where each part of an archived report sits next to it, and what it is served as. */
import type { ReportPart } from '../ports/report-archive.ts';
import { CITATIONS_SUFFIX } from './citations.ts';
import { MANIFEST_CONTENT_TYPE } from './content-types.ts';
import { MANIFEST_SUFFIX } from './manifest.ts';

/** `<report key or file><suffix>`: the report itself has none. */
export const PART_SUFFIXES: Readonly<Record<ReportPart, string>> = {
  report: '',
  manifest: MANIFEST_SUFFIX,
  citations: CITATIONS_SUFFIX,
};

/** One JSON line per cited decision (citations.ts). */
export const CITATIONS_CONTENT_TYPE = 'application/x-ndjson';

/** The media type of a part that is not the report (whose type follows its format). */
export const PART_CONTENT_TYPES: Readonly<Record<Exclude<ReportPart, 'report'>, string>> = {
  manifest: MANIFEST_CONTENT_TYPE,
  citations: CITATIONS_CONTENT_TYPE,
};
