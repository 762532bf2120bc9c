/**
 * What a bundle that renders PDFs (formats/pdf.ts) must carry: pdfkit reads each standard font's metrics
 * with `fs.readFileSync(__dirname + '/data/<font>.afm')`. Kept apart from pdf.ts so the CDK stack can
 * package the report worker without loading pdfkit.
 */

/** The AFM files (in node_modules/pdfkit/js/data/) that a bundle must carry in `<bundle dir>/data/`. */
export const PDFKIT_FONT_FILES = ['Helvetica.afm', 'Helvetica-Bold.afm', 'Courier.afm'] as const;

/**
 * esbuild banner text that defines `__dirname` (the bundle's directory) in an ESM bundle, for pdfkit to
 * find `<bundle dir>/data/*.afm`. Goes after the `createRequire` banner.
 */
export const PDFKIT_DIRNAME_BANNER =
  "import { dirname as __verdictDirname } from 'node:path'; import { fileURLToPath as __verdictFileUrl } from 'node:url'; const __dirname = __verdictDirname(__verdictFileUrl(import.meta.url));";
