/**
 * The CLI arguments the deployment e2e tests share: a credit-scorer version as `verdict registry register`
 * takes it (pinned image, staged model artifact), and a deployment that the deployment policy allows for a
 * high-risk model in production once the human-oversight evidence is added.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.ts';

const SAMPLES = join(ROOT, 'functions/local/demo/samples');

export const CREDIT_SCORER_GROUP = 'retail-credit-scorer';
export const CREDIT_SCORER_ARN = `arn:aws:sagemaker:local-1:000000000000:model-package/${CREDIT_SCORER_GROUP}`;
export const OVERSIGHT = ['--human-oversight', 's3://verdict-demo-governance/oversight.pdf'];

/**
 * Puts the human-oversight document OVERSIGHT names in the data directory's object store (`s3://bucket/key`
 * is `<data dir>/objects/<bucket>/<key>`): the deployment gate reads it.
 */
export function putOversightDocument(dataDir: string): void {
  const bucket = join(dataDir, 'objects', 'verdict-demo-governance');
  mkdirSync(bucket, { recursive: true });
  writeFileSync(
    join(bucket, 'oversight.pdf'),
    'Human oversight: the credit risk team reviews every refusal.\n',
  );
}

/** `registry register` of a credit-scorer version whose image digest is `digestDigit` repeated. */
export function registerArgs(modelData: string, digestDigit = '1'): string[] {
  return [
    'registry',
    'register',
    '--group',
    CREDIT_SCORER_GROUP,
    '--profile',
    join(SAMPLES, 'credit-scorer.profile.json'),
    '--clarify',
    join(SAMPLES, 'credit-scorer.analysis.json'),
    '--image',
    `123456789012.dkr.ecr.eu-west-1.amazonaws.com/credit-scorer@sha256:${digestDigit.repeat(64)}`,
    '--model-data',
    modelData,
  ];
}

/** Everything the policy asks of a high-risk production deployment but the human-oversight evidence. */
export function governedArgs(alarm = 'credit-scorer-5xx'): string[] {
  return [
    '--env',
    'prod',
    '--strategy',
    'canary',
    '--bake',
    '1',
    '--alarm',
    alarm,
    '--tag',
    'owner=risk-team',
    '--tag',
    'cost-centre=cc-credit',
    '--tag',
    'model=credit-scorer',
    '--tag',
    'risk-class=high',
    '--network-isolation',
    '--capture',
    's3://verdict-capture/credit-scorer/',
  ];
}
