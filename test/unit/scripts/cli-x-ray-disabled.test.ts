/**
 * The CLI build bundles scripts/cli-x-ray-disabled.ts in place of the X-Ray SDK (scripts/build-cli.ts).
 * Powertools Tracer must still load and wrap a handler with it while tracing is off, as bin/verdict.js sets
 * it; anything that would trace fails loudly instead of tracing nowhere.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('aws-xray-sdk-core', async () => await import('../../../scripts/cli-x-ray-disabled.ts'));

describe('the X-Ray stand-in of the CLI build', () => {
  it('lets Tracer, with tracing off, wrap and run a handler', async () => {
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
    const { Tracer } = await import('@aws-lambda-powertools/tracer');
    const { captureLambdaHandler } = await import('@aws-lambda-powertools/tracer/middleware');
    const middy = (await import('@middy/core')).default;
    const tracer = new Tracer({ serviceName: 'verdict' });
    expect(tracer.isTracingEnabled()).toBe(false);
    const handler = middy(async (event: { n: number }) => event.n + 1).use(captureLambdaHandler(tracer));
    await expect(handler({ n: 1 }, {} as never)).resolves.toBe(2);
  });

  it('refuses to trace', async () => {
    const xray = (await import('../../../scripts/cli-x-ray-disabled.ts')).default;
    expect(() => xray.getSegment()).toThrow('getSegment: the verdict CLI does not trace');
    expect(() => xray.captureAWSv3Client()).toThrow('does not trace');
  });
});
