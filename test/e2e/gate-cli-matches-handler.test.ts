/**
 * `verdict gate` runs the gate's core without the Lambda middleware chain; its decision must be the one the
 * Lambda handler records for the same event and evidence. Only the evaluation time differs between the two
 * runs, and with it `evaluatedAt`, `inputSha256` (the policy input carries the time) and `evaluationMs`.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import type { Decision } from '../../functions/contracts/decision.ts';
import { runCli } from '../support/cli.ts';
import {
  handlerDecision,
  SAMPLE_EVENT,
  SAMPLE_SYSTEMS,
  SAMPLES_DIR,
  sampleEvent,
} from '../support/offline-gate-parity.ts';

const work = mkdtempSync(join(tmpdir(), 'verdict-e2e-gate-parity-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function timeless({ evaluatedAt: _at, inputSha256: _sha, evaluationMs: _ms, ...rest }: Decision): string {
  return JSON.stringify(rest, null, 2);
}

describe.concurrent('verdict gate matches the Lambda handler', () => {
  it.for(SAMPLE_SYSTEMS)('on the sample event with the %s profile and report', async (system, { expect }) => {
    const evidence = join(work, system);
    mkdirSync(evidence, { recursive: true });
    copyFileSync(join(SAMPLES_DIR, `${system}.analysis.json`), join(evidence, 'analysis.json'));
    const run = await runCli(
      [
        'gate',
        '--event',
        SAMPLE_EVENT,
        '--profile',
        join(SAMPLES_DIR, `${system}.profile.json`),
        '--evidence',
        evidence,
      ],
      { cwd: work },
    );
    expect(run.stderr).toBe('');
    const cli = JSON.parse(run.stdout) as Decision;
    const handler = await handlerDecision(sampleEvent(), system, () => new Date());
    expect(timeless(cli)).toBe(timeless(handler));
  });
});
