/**
 * A deployment promoted on a target replaces the one promoted there before it: that one no longer serves and
 * becomes `replaced` (final), recorded as its own step. Run again after a crash, it replaces only what is left.
 */
import type { Deployment } from '../contracts/deployment.ts';
import { eachDeployment } from '../ports/deployment-store.ts';
import { runStep } from './run-step.ts';
import { type DeploymentSagaDeps, targetName } from './saga-deps.ts';

/** The deployments this promotion replaced now (none on a redelivery that finds them replaced already). */
export async function replacePromoted(promoted: Deployment, deps: DeploymentSagaDeps): Promise<Deployment[]> {
  const target = targetName(promoted.request);
  const earlier: string[] = [];
  for await (const d of eachDeployment(deps.store, { target, statuses: ['promoted'] })) {
    if (d.id !== promoted.id && d.requestedAt <= promoted.requestedAt) earlier.push(d.id);
  }
  const replaced: Deployment[] = [];
  for (const id of earlier) {
    const outcome = await runStep(deps, id, {
      step: 'replaced',
      from: ['promoted'],
      run: async () => ({ status: 'replaced', detail: `replaced on ${target} by ${promoted.id}` }),
    });
    if (outcome.kind === 'done') replaced.push(outcome.deployment);
  }
  return replaced;
}
