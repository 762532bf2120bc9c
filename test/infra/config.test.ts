import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONTEXT_KEYS,
  ConfigError,
  configFromContext,
  DEFAULT_CONFIG,
  ENVIRONMENT_DEFAULTED_KEYS,
  ENVIRONMENT_DEFAULTS,
  parseConfig,
  parseS3Location,
} from '../../infra/config.ts';
import { REPO_ROOT } from '../../infra/paths.ts';
import { cdkJson } from './synth.ts';

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const MRK_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab';

function errorOf(raw: Record<string, unknown>): string {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('Verdict configuration (CDK context)', () => {
  it('cdk.json declares every key with the built-in defaults, leaving out those the environment decides', () => {
    const declared = Object.fromEntries(
      Object.values(CONTEXT_KEYS).map((key) => [key, cdkJson.context[key]]),
    );
    expect(declared).toEqual({
      'verdict:environment': DEFAULT_CONFIG.environment,
      'verdict:evidenceBucketNames': DEFAULT_CONFIG.evidenceBucketNames,
      'verdict:evidenceKmsKeyArns': DEFAULT_CONFIG.evidenceKmsKeyArns,
      'verdict:modelPackageGroupPrefix': DEFAULT_CONFIG.modelPackageGroupPrefix,
      'verdict:retainData': undefined,
      'verdict:apiRoleMap': DEFAULT_CONFIG.apiRoleMap,
      'verdict:apiJwtIssuer': DEFAULT_CONFIG.apiJwtIssuer,
      'verdict:apiJwtAudience': DEFAULT_CONFIG.apiJwtAudience,
      'verdict:apiJwtGroupsClaim': DEFAULT_CONFIG.apiJwtGroupsClaim,
      'verdict:apiJwtGroupRoles': DEFAULT_CONFIG.apiJwtGroupRoles,
      'verdict:reportRetentionDays': undefined,
      'verdict:breakGlassRoleArn': DEFAULT_CONFIG.breakGlassRoleArn,
      'verdict:reportWorkerConcurrency': DEFAULT_CONFIG.reportWorkerConcurrency,
      'verdict:approvalGuard': DEFAULT_CONFIG.approvalGuard,
      'verdict:checkpointRetentionDays': undefined,
      'verdict:objectLockMode': undefined,
      'verdict:operatorRoleTrust': DEFAULT_CONFIG.operatorRoleTrust,
      'verdict:sagemakerExecutionRoleArn': DEFAULT_CONFIG.sagemakerExecutionRoleArn,
      'verdict:modelArtifactLocations': DEFAULT_CONFIG.modelArtifactLocations,
      'verdict:enforceSageMakerDeployments': DEFAULT_CONFIG.enforceSageMakerDeployments,
      'verdict:outOfBandMode': undefined,
      'verdict:eksClusters': DEFAULT_CONFIG.eksClusters,
      'verdict:promotions': DEFAULT_CONFIG.promotions,
    });
    expect(ENVIRONMENT_DEFAULTED_KEYS.map((key) => CONTEXT_KEYS[key]).sort()).toEqual([
      'verdict:checkpointRetentionDays',
      'verdict:objectLockMode',
      'verdict:outOfBandMode',
      'verdict:reportRetentionDays',
      'verdict:retainData',
    ]);
    expect(configFromContext({ tryGetContext: (key) => cdkJson.context[key] })).toEqual(DEFAULT_CONFIG);
  });

  describe('defaults that follow verdict:environment', () => {
    it('remediates out-of-band endpoint changes by restoring in prod, by alerting elsewhere', () => {
      expect(parseConfig({ 'verdict:environment': 'prod' }).outOfBandMode).toBe('restore');
      expect(parseConfig({ 'verdict:environment': 'staging' }).outOfBandMode).toBe('alert');
      expect(parseConfig({}).outOfBandMode).toBe('alert');
      expect(parseConfig({ 'verdict:outOfBandMode': 'delete' }).outOfBandMode).toBe('delete');
      expect(() => parseConfig({ 'verdict:outOfBandMode': 'ignore' })).toThrow(
        'verdict:outOfBandMode: must be one of "alert", "restore", "delete" (got "ignore")',
      );
    });

    it('prod locks records in COMPLIANCE mode for years and keeps data when the stack goes', () => {
      expect(parseConfig({ 'verdict:environment': 'prod' })).toMatchObject({
        retainData: true,
        objectLockMode: 'COMPLIANCE',
        reportRetentionDays: 365,
        checkpointRetentionDays: 3650,
      });
    });

    it('dev and staging lock for a day in GOVERNANCE mode and delete data with the stack', () => {
      for (const environment of ['dev', 'staging']) {
        expect(parseConfig({ 'verdict:environment': environment })).toMatchObject({
          retainData: false,
          objectLockMode: 'GOVERNANCE',
          reportRetentionDays: 1,
          checkpointRetentionDays: 1,
        });
      }
      expect(parseConfig({})).toMatchObject({ environment: 'dev', objectLockMode: 'GOVERNANCE' });
    });

    it('an explicit key overrides the environment default', () => {
      expect(
        parseConfig({
          'verdict:environment': 'staging',
          'verdict:objectLockMode': 'COMPLIANCE',
          'verdict:checkpointRetentionDays': '30',
          'verdict:reportRetentionDays': 7,
          'verdict:retainData': 'true',
        }),
      ).toMatchObject({
        objectLockMode: 'COMPLIANCE',
        checkpointRetentionDays: 30,
        reportRetentionDays: 7,
        retainData: true,
      });
      expect(
        parseConfig({ 'verdict:environment': 'prod', 'verdict:checkpointRetentionDays': 4000 }),
      ).toMatchObject({ objectLockMode: 'COMPLIANCE', checkpointRetentionDays: 4000 });
    });

    it('rejects an unknown lock mode, and GOVERNANCE in prod', () => {
      expect(errorOf({ 'verdict:objectLockMode': 'governance' })).toBe(
        'Invalid Verdict configuration (CDK context):\n' +
          '  verdict:objectLockMode: must be one of "COMPLIANCE", "GOVERNANCE" (got "governance")',
      );
      expect(errorOf({ 'verdict:environment': 'prod', 'verdict:objectLockMode': 'GOVERNANCE' })).toBe(
        'Invalid Verdict configuration (CDK context):\n' +
          '  verdict:objectLockMode: must be "COMPLIANCE" when verdict:environment is "prod" (nobody may shorten a record\'s retention) (got "GOVERNANCE")',
      );
    });

    it('an unknown environment falls back to no environment defaults and is reported', () => {
      expect(errorOf({ 'verdict:environment': 'production' })).toBe(
        'Invalid Verdict configuration (CDK context):\n' +
          '  verdict:environment: must be one of "dev", "staging", "prod" (got "production")',
      );
    });
  });

  it('is the only reader of CDK context in infra/, and the README documents every key', () => {
    const readers = readdirSync(join(REPO_ROOT, 'infra'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .filter((file) => readFileSync(join(REPO_ROOT, 'infra', file), 'utf8').includes('tryGetContext('));
    expect(readers).toEqual(['config.ts']);
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const undocumented = Object.values(CONTEXT_KEYS).filter((key) => !readme.includes(`| \`${key}\` |`));
    expect(undocumented).toEqual([]);
  });

  it('uses the defaults for absent keys', () => {
    expect(parseConfig({})).toEqual(DEFAULT_CONFIG);
  });

  it('accepts JSON values (cdk.json) and the string forms `-c key=value` gives', () => {
    const expected = {
      ...DEFAULT_CONFIG,
      ...ENVIRONMENT_DEFAULTS.prod,
      environment: 'prod',
      evidenceBucketNames: ['ml-evidence', 'clarify.reports-1'],
      evidenceKmsKeyArns: [KEY_ARN, MRK_ARN],
      modelPackageGroupPrefix: 'credit-',
      retainData: true,
    };
    expect(
      parseConfig({
        'verdict:environment': 'prod',
        'verdict:evidenceBucketNames': ['ml-evidence', 'clarify.reports-1'],
        'verdict:evidenceKmsKeyArns': [KEY_ARN, MRK_ARN],
        'verdict:modelPackageGroupPrefix': 'credit-',
        'verdict:retainData': true,
      }),
    ).toEqual(expected);
    expect(
      parseConfig({
        'verdict:environment': 'prod',
        'verdict:evidenceBucketNames': 'ml-evidence, clarify.reports-1',
        'verdict:evidenceKmsKeyArns': JSON.stringify([KEY_ARN, MRK_ARN]),
        'verdict:modelPackageGroupPrefix': 'credit-',
        'verdict:retainData': 'true',
      }),
    ).toEqual(expected);
    expect(parseConfig({ 'verdict:evidenceBucketNames': '', 'verdict:retainData': 'false' })).toMatchObject({
      evidenceBucketNames: [],
      retainData: false,
    });
  });

  it('takes EKS clusters as a list or as `-c` JSON, and names what is wrong with one', () => {
    const cluster = {
      name: 'ml-prod',
      modelServer: {
        image: `registry.example/vllm@sha256:${'a'.repeat(64)}`,
        port: 8000,
        readinessPath: '/health',
      },
      governedNamespaces: ['serving'],
    };
    const parsed = {
      ...cluster,
      parameters: { namespace: 'verdict-system', name: 'verdict-approved-models' },
      pollSeconds: 10,
    };
    expect(parseConfig({ 'verdict:eksClusters': [cluster] }).eksClusters).toEqual([parsed]);
    expect(parseConfig({ 'verdict:eksClusters': JSON.stringify([cluster]) }).eksClusters).toEqual([parsed]);
    const tagged = {
      ...cluster,
      modelServer: { ...cluster.modelServer, image: 'registry.example/vllm:latest' },
    };
    expect(errorOf({ 'verdict:eksClusters': [tagged] })).toContain(
      '  verdict:eksClusters: expected an image pinned by digest (name@sha256:<64 hex>)',
    );
    expect(errorOf({ 'verdict:eksClusters': [cluster, cluster] })).toContain(
      '  verdict:eksClusters: cluster ml-prod is listed twice',
    );
    expect(errorOf({ 'verdict:eksClusters': [{ ...cluster, governedNamespaces: [] }] })).toContain(
      'verdict:eksClusters:',
    );
  });

  it('rejects an unknown environment with a message naming the key', () => {
    expect(errorOf({ 'verdict:environment': 'qa' })).toBe(
      'Invalid Verdict configuration (CDK context):\n  verdict:environment: must be one of "dev", "staging", "prod" (got "qa")',
    );
  });

  it('rejects bucket ARNs, URIs and malformed names', () => {
    expect(errorOf({ 'verdict:evidenceBucketNames': ['arn:aws:s3:::evidence'] })).toBe(
      'Invalid Verdict configuration (CDK context):\n' +
        '  verdict:evidenceBucketNames: "arn:aws:s3:::evidence" is not an S3 bucket name (give names, not ARNs or s3:// URIs) (got ["arn:aws:s3:::evidence"])',
    );
    for (const bad of ['s3://evidence', 'Evidence', 'ab', 'a..b', '192.168.1.1', 'evidence-']) {
      expect(errorOf({ 'verdict:evidenceBucketNames': [bad] })).toContain(
        `"${bad}" is not an S3 bucket name`,
      );
    }
    expect(errorOf({ 'verdict:evidenceBucketNames': 'a-bucket,a-bucket' })).toContain(
      'must not repeat an entry',
    );
    expect(errorOf({ 'verdict:evidenceBucketNames': 42 })).toContain('must be a list of S3 bucket names');
  });

  it('rejects KMS aliases and malformed key ARNs', () => {
    expect(
      errorOf({ 'verdict:evidenceKmsKeyArns': ['arn:aws:kms:eu-west-1:123456789012:alias/evidence'] }),
    ).toContain(
      'is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; aliases are not accepted)',
    );
    expect(errorOf({ 'verdict:evidenceKmsKeyArns': ['1234abcd-12ab-34cd-56ef-1234567890ab'] })).toContain(
      'is not a KMS key ARN',
    );
  });

  it('rejects a group prefix SageMaker could never match', () => {
    for (const bad of ['-credit', 'credit_', 'credit*', 'a'.repeat(64)]) {
      expect(errorOf({ 'verdict:modelPackageGroupPrefix': bad })).toContain(
        'verdict:modelPackageGroupPrefix: must be empty or the start of a model package group name',
      );
    }
  });

  it('rejects a non-boolean retainData, and retainData=false in prod', () => {
    expect(errorOf({ 'verdict:retainData': 'yes' })).toBe(
      'Invalid Verdict configuration (CDK context):\n  verdict:retainData: must be true or false (got "yes")',
    );
    expect(errorOf({ 'verdict:environment': 'prod', 'verdict:retainData': 'false' })).toBe(
      'Invalid Verdict configuration (CDK context):\n' +
        '  verdict:retainData: must be true when verdict:environment is "prod" (decisions are audit records)',
    );
  });

  it('reports every bad key at once', () => {
    expect(errorOf({ 'verdict:environment': 'qa', 'verdict:retainData': 1 })).toBe(
      'Invalid Verdict configuration (CDK context):\n' +
        '  verdict:environment: must be one of "dev", "staging", "prod" (got "qa")\n' +
        '  verdict:retainData: must be true or false (got 1)',
    );
  });

  describe('auditor API and reports', () => {
    const ROLE = 'arn:aws:iam::123456789012:role/Auditors';

    it('accepts a role map, a JWT issuer with audiences, group roles and a retention, as JSON or -c strings', () => {
      const config = parseConfig({
        'verdict:apiRoleMap': JSON.stringify({
          [ROLE]: 'auditor',
          'arn:aws:iam::123456789012:user/ops/bob': 'admin',
        }),
        'verdict:apiJwtIssuer': 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example',
        'verdict:apiJwtAudience': 'client-1,client-2',
        'verdict:apiJwtGroupsClaim': 'groups',
        'verdict:apiJwtGroupRoles': { 'risk-team': 'compliance-officer' },
        'verdict:reportRetentionDays': '2555',
      });
      expect(config).toMatchObject({
        apiRoleMap: { [ROLE]: 'auditor', 'arn:aws:iam::123456789012:user/ops/bob': 'admin' },
        apiJwtAudience: ['client-1', 'client-2'],
        apiJwtGroupsClaim: 'groups',
        apiJwtGroupRoles: { 'risk-team': 'compliance-officer' },
        reportRetentionDays: 2555,
      });
    });

    it('names each bad value', () => {
      expect(errorOf({ 'verdict:apiRoleMap': { Auditors: 'auditor' } })).toContain(
        'verdict:apiRoleMap: "Auditors" is not an IAM role or user ARN',
      );
      expect(errorOf({ 'verdict:apiRoleMap': { [ROLE]: 'root' } })).toContain(
        'verdict:apiRoleMap: roles must be one of "auditor", "deployer", "compliance-officer", "admin"',
      );
      expect(errorOf({ 'verdict:apiRoleMap': 'not json' })).toContain(
        'verdict:apiRoleMap: must be a JSON object of IAM role or user ARNs to roles',
      );
      expect(errorOf({ 'verdict:apiJwtIssuer': 'http://insecure.example' })).toContain(
        'verdict:apiJwtIssuer: must be "" or the https:// URL of an OIDC issuer',
      );
      expect(errorOf({ 'verdict:apiJwtIssuer': 'https://issuer.example' })).toContain(
        'verdict:apiJwtAudience: must name at least one audience when verdict:apiJwtIssuer is set',
      );
      expect(errorOf({ 'verdict:reportRetentionDays': 0 })).toContain(
        'verdict:reportRetentionDays: must be at least 1',
      );
      expect(errorOf({ 'verdict:reportRetentionDays': '36501' })).toContain(
        'verdict:reportRetentionDays: must be at most 36500',
      );
      expect(errorOf({ 'verdict:reportRetentionDays': 1.5 })).toContain(
        'verdict:reportRetentionDays: must be a whole number of days',
      );
      expect(errorOf({ 'verdict:breakGlassRoleArn': 'BreakGlass' })).toBe(
        'Invalid Verdict configuration (CDK context):\n  verdict:breakGlassRoleArn: must be "" or an IAM role ARN (arn:aws:iam::<account>:role/<path/><name>) (got "BreakGlass")',
      );
      expect(errorOf({ 'verdict:reportWorkerConcurrency': '0' })).toContain(
        'verdict:reportWorkerConcurrency: must be at least 1',
      );
      expect(errorOf({ 'verdict:modelPackageGroupPrefix': 'sandbox-credit' })).toContain(
        'verdict:modelPackageGroupPrefix: groups starting with "sandbox-" are never governed, so this prefix would govern nothing',
      );
      expect(errorOf({ 'verdict:modelPackageGroupPrefix': 'sand' })).toContain(
        'verdict:modelPackageGroupPrefix: must not be the start of "sandbox-" (ungoverned groups); use a longer prefix (got "sand")',
      );
    });

    it('takes the operator role trust as `-c` gives it, and refuses what is not a role ARN', () => {
      const sso =
        'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Governance_0123';
      expect(
        parseConfig({ 'verdict:operatorRoleTrust': `${sso},arn:aws:iam::123456789012:role/ml-ops` })
          .operatorRoleTrust,
      ).toEqual([sso, 'arn:aws:iam::123456789012:role/ml-ops']);
      expect(errorOf({ 'verdict:operatorRoleTrust': 'arn:aws:iam::123456789012:user/alice' })).toBe(
        'Invalid Verdict configuration (CDK context):\n  verdict:operatorRoleTrust: "arn:aws:iam::123456789012:user/alice" is not an IAM role ARN (arn:aws:iam::<account>:role/<path/><name>) (got "arn:aws:iam::123456789012:user/alice")',
      );
      expect(
        errorOf({
          'verdict:operatorRoleTrust': [
            'arn:aws:iam::123456789012:role/a',
            'arn:aws:iam::123456789012:role/a',
          ],
        }),
      ).toContain('verdict:operatorRoleTrust: must not repeat an entry');
    });

    it('takes a break-glass role with a path, and a concurrency as `-c` gives it', () => {
      const role = 'arn:aws:iam::123456789012:role/ops/verdict-break-glass';
      expect(
        parseConfig({ 'verdict:breakGlassRoleArn': role, 'verdict:reportWorkerConcurrency': '5' }),
      ).toMatchObject({ breakGlassRoleArn: role, reportWorkerConcurrency: 5 });
    });
  });

  describe('deployments', () => {
    it('takes a SageMaker execution role, artifact locations and the guard switch as `-c` gives them', () => {
      const role = 'arn:aws:iam::123456789012:role/ml/sagemaker-models';
      expect(
        parseConfig({
          'verdict:sagemakerExecutionRoleArn': role,
          'verdict:modelArtifactLocations': 's3://acme-models/credit/,s3://acme-shared',
          'verdict:enforceSageMakerDeployments': 'true',
        }),
      ).toMatchObject({
        sagemakerExecutionRoleArn: role,
        modelArtifactLocations: ['s3://acme-models/credit/', 's3://acme-shared'],
        enforceSageMakerDeployments: true,
      });
      expect(parseS3Location('s3://acme-models/credit/')).toEqual({
        bucket: 'acme-models',
        prefix: 'credit/',
      });
      expect(parseS3Location('s3://acme-shared')).toEqual({ bucket: 'acme-shared', prefix: '' });
    });

    it('names each bad value', () => {
      expect(
        errorOf({
          'verdict:sagemakerExecutionRoleArn': 'arn:aws:iam::123456789012:user/alice',
          'verdict:modelArtifactLocations': ['arn:aws:s3:::acme-models', 's3://acme-models/*'],
          'verdict:enforceSageMakerDeployments': 'yes',
        }),
      ).toBe(
        [
          'Invalid Verdict configuration (CDK context):',
          '  verdict:sagemakerExecutionRoleArn: must be "" or an IAM role ARN (arn:aws:iam::<account>:role/<path/><name>) (got "arn:aws:iam::123456789012:user/alice")',
          '  verdict:modelArtifactLocations: "arn:aws:s3:::acme-models" is not an s3://bucket or s3://bucket/prefix location (no wildcards); "s3://acme-models/*" is not an s3://bucket or s3://bucket/prefix location (no wildcards) (got ["arn:aws:s3:::acme-models","s3://acme-models/*"])',
          '  verdict:enforceSageMakerDeployments: must be true or false (got "yes")',
        ].join('\n'),
      );
    });
  });
});
