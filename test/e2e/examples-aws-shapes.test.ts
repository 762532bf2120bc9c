/**
 * The README's AWS CLI registration cannot run without an account, so the request it sends is checked
 * here against the CreateModelPackage input shape of botocore (the AWS CLI's own model, in .venv), with
 * the files of examples/ it names.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.ts';

const PYTHON = join(ROOT, '.venv/bin/python');
const EXAMPLE = join(ROOT, 'examples/evidence/my-governance-bucket/cv-ranker');

const VALIDATE = `
import json, sys
import botocore.session
from botocore.validate import ParamValidator
shape = botocore.session.get_session().get_service_model('sagemaker').operation_model('CreateModelPackage').input_shape
report = ParamValidator().validate(json.load(sys.stdin), shape)
print(report.generate_report() if report.has_errors() else 'valid')
`;

describe('the files the README registers a model package with', () => {
  it.skipIf(!existsSync(PYTHON))('make a CreateModelPackage request that botocore accepts', () => {
    const request = {
      ModelPackageGroupName: 'cv-ranker',
      ModelApprovalStatus: 'PendingManualApproval',
      CustomerMetadataProperties: {
        'verdict:profile': 's3://my-governance-bucket/cv-ranker/profile.json',
        'verdict:evidence': 's3://my-governance-bucket/cv-ranker/evidence.json',
      },
      ModelMetrics: {
        Bias: {
          PostTrainingReport: {
            ContentType: 'application/json',
            S3Uri: 's3://my-governance-bucket/cv-ranker/clarify/analysis.json',
          },
        },
      },
      InferenceSpecification: JSON.parse(
        readFileSync(join(ROOT, 'examples/cv-ranker/inference.json'), 'utf8'),
      ),
    };
    const answer = execFileSync(PYTHON, ['-c', VALIDATE], {
      input: JSON.stringify(request),
      encoding: 'utf8',
    });
    expect(answer.trim()).toBe('valid');
  });

  it('exist: every object the registration and its evidence manifest name is in examples/evidence', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const named = [...readme.matchAll(/s3:\/\/my-governance-bucket\/(cv-ranker\/[\w./-]+)/g)].map(
      (m) => m[1] ?? '',
    );
    const manifest = JSON.parse(readFileSync(join(EXAMPLE, 'evidence.json'), 'utf8')) as Record<
      string,
      string
    >;
    const listed = Object.values(manifest).map((uri) => uri.replace('s3://my-governance-bucket/', ''));
    expect(named.length).toBeGreaterThan(2);
    for (const key of [...named, ...listed])
      expect(existsSync(join(ROOT, 'examples/evidence/my-governance-bucket', key)), key).toBe(true);
  });
});
