/** A deployment as a person reads it: where it stands, what it runs where, and every step it went through. */
import type { Deployment } from '../../../contracts/deployment.ts';
import { deploymentTargetName } from '../../../contracts/deployment-request.ts';

export function deploymentText(deployment: Deployment): string {
  const { request } = deployment;
  const strategy = request.strategy;
  const step =
    'step' in strategy
      ? ` ${strategy.step.value}${strategy.step.unit === 'percent' ? '%' : ' instance(s)'}`
      : '';
  const lines = [
    `Deployment ${deployment.id}: ${deployment.status.toUpperCase()}`,
    `  model package  ${request.modelPackageArn}`,
    `  target         ${deploymentTargetName(request.target)} (${request.environment}, ${request.region})`,
    `  strategy       ${strategy.type}${step}, bake ${strategy.bakeSeconds} s, alarms ${strategy.alarms.join(', ') || 'none'}`,
    `  gate decision  ${deployment.decision.id} (${deployment.decision.decision})`,
  ];
  if (deployment.requestedBy) lines.push(`  requested by   ${deployment.requestedBy}`);
  if (deployment.artifact) {
    lines.push(`  approval       ${deployment.artifact.decisionId}, artifact ${deployment.artifact.digest}`);
  }
  if (deployment.bakeEndsAt && deployment.status === 'baking')
    lines.push(`  bake ends      ${deployment.bakeEndsAt}`);
  if (deployment.explanations.length > 0) {
    lines.push('Refused because:');
    for (const line of deployment.explanations) lines.push(`  - ${line}`);
  }
  lines.push('Steps (each is a ledger entry):');
  for (const item of deployment.history) {
    lines.push(
      `  ${item.at}  ${item.step.padEnd(12)} ${item.status.padEnd(12)} ${item.detail ?? ''}`.trimEnd(),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function deploymentLine(deployment: Deployment): string {
  const { request } = deployment;
  return `${deployment.id}  ${deployment.requestedAt}  ${deployment.status.toUpperCase().padEnd(12)}  ${deploymentTargetName(request.target)}  ${request.environment}  ${request.modelPackageArn}`;
}
