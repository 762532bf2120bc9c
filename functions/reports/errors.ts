/** Why a report cannot be built: a request the builders cannot serve, or a renderer that cannot run. */

/** A request the builders cannot serve (no decisions for the model, bad period): the user's problem. */
export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';
}

/** pdfkit cannot load its standard font metrics (a bundle without them): the deployment's problem. */
export class PdfFontsUnavailableError extends Error {
  override readonly name = 'PdfFontsUnavailableError';
}
