/**
 * The human-oversight document the sample deployment request (functions/local/demo/samples) names, put where
 * it names it, as `verdict demo` puts it: the deployment gate reads it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ObjectStore } from '../../functions/ports/object-store.ts';

const SAMPLES = join(import.meta.dirname, '../../functions/local/demo/samples');

export async function putSampleOversight(objects: ObjectStore): Promise<void> {
  const request = JSON.parse(readFileSync(join(SAMPLES, 'credit-scorer.deployment.json'), 'utf8')) as {
    humanOversightEvidence: string;
  };
  await objects.put(
    request.humanOversightEvidence,
    readFileSync(join(SAMPLES, 'credit-scorer.human-oversight.md')),
    'text/markdown',
  );
}
