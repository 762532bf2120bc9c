/**
 * What the CLI build bundles in place of the AWS X-Ray SDK. Powertools Tracer imports the SDK when it
 * loads (about 25 ms and 170 KB of code before the first command runs), yet the CLI never traces: there
 * is no X-Ray daemon on a workstation, and bin/verdict.js sets POWERTOOLS_TRACE_ENABLED=false. With
 * tracing off, Tracer only sets the context-missing strategy; anything that would trace fails loudly.
 */
const noTracing = (name: string) => () => {
  throw new Error(`${name}: the verdict CLI does not trace (X-Ray is not part of its build)`);
};

class Segment {}

export default {
  setContextMissingStrategy: () => undefined,
  setLogger: () => undefined,
  setDaemonAddress: () => undefined,
  Segment,
  captureAWS: noTracing('captureAWS'),
  captureAWSClient: noTracing('captureAWSClient'),
  captureAWSv3Client: noTracing('captureAWSv3Client'),
  captureAsyncFunc: noTracing('captureAsyncFunc'),
  captureFunc: noTracing('captureFunc'),
  captureHTTPsGlobal: noTracing('captureHTTPsGlobal'),
  getNamespace: noTracing('getNamespace'),
  getSegment: noTracing('getSegment'),
  setSegment: noTracing('setSegment'),
};
