/**
 * Report fixtures: a handful of decisions about three models with known counts, the model facts of one
 * version, exceptions, ledger positions and a signed checkpoint; and a generator of any number of
 * decisions (made on the fly, never held in memory) for the streaming tests and the benchmark.
 */
import { createHash } from 'node:crypto';
import type { Decision, Outcome } from '../../functions/contracts/decision.ts';
import type { Exception } from '../../functions/contracts/exception.ts';
import { encodeCheckpoint } from '../../functions/ledger/core/checkpoint.ts';
import { ed25519Signer } from '../../functions/ledger/core/note-keys.ts';
import { signNote } from '../../functions/ledger/core/signed-note.ts';
import type { Signer } from '../../functions/ledger/ports/signer.ts';
import { arrayDecisions } from '../../functions/reports/decision-source.ts';
import { checkpointRef } from '../../functions/reports/manifest.ts';
import type {
  CheckpointRef,
  EvidenceRef,
  ModelFacts,
  ReportInputs,
} from '../../functions/reports/report-model.ts';

export const NOW = new Date('2026-12-01T00:00:00.000Z');
export const ORIGIN = 'verdict.test/ledger';
export const SIGNER: Signer = ed25519Signer(ORIGIN, new Uint8Array(32).fill(7));
export const OTHER_SIGNER: Signer = ed25519Signer(ORIGIN, new Uint8Array(32).fill(9));

const BUNDLE = 'a'.repeat(64);

function arn(group: string, version: string): string {
  return `arn:aws:sagemaker:eu-west-1:123456789012:model-package/${group}/${version}`;
}

export function decision(
  n: number,
  group: string,
  version: string,
  outcome: Outcome,
  at: string,
  extra: Partial<Decision> = {},
): Decision {
  return {
    id: `00000000-0000-8000-8000-${String(n).padStart(12, '0')}`,
    gate: 'model-registry',
    decision: outcome,
    subject: { kind: 'model-package', id: arn(group, version), group, version },
    riskClass: 'high',
    violations: [],
    obligations: [],
    policy: { bundleSha256: BUNDLE, version: '0.1.0', entrypoint: 'verdict/gates/model_registry/decision' },
    inputSha256: createHash('sha256').update(`input-${n}`).digest('hex'),
    evaluatedAt: at,
    trigger: {
      eventId: `event-${n}`,
      source: 'aws.sagemaker',
      detailType: 'SageMaker Model Package State Change',
    },
    ...extra,
  };
}

const DI_VIOLATION = {
  rule: 'bias.disparate_impact',
  severity: 'high' as const,
  message: 'disparate impact (DI) for facet gender, value female, is 0.62: below the minimum 0.8.',
  reference: 'DI < 0.8',
  remediation: 'Mitigate the bias, retrain, re-run the SageMaker Clarify bias analysis.',
};

/** 7 decisions: cv-ranker v1 deny, v2 deny then allow (with a comma, a quote and a newline in a message); credit allow x2; citizen deny; one review. */
export const DECISIONS: Decision[] = [
  decision(1, 'cv-ranker', '1', 'deny', '2026-11-02T09:00:00.000Z', { violations: [DI_VIOLATION] }),
  decision(2, 'retail-credit-scorer', '1', 'allow', '2026-11-03T10:00:00.000Z'),
  decision(3, 'citizen-trust-score', '1', 'deny', '2026-11-03T11:00:00.000Z', {
    riskClass: 'prohibited',
    violations: [
      {
        rule: 'prohibited.social_scoring',
        severity: 'critical',
        message: 'Prohibited practice: social scoring, "detrimental treatment",\nin unrelated contexts.',
        reference: 'Art. 5(1)(c)',
        remediation: 'Stop social scoring.',
      },
    ],
  }),
  decision(4, 'cv-ranker', '2', 'deny', '2026-11-10T09:00:00.000Z', {
    violations: [
      DI_VIOLATION,
      {
        rule: 'evidence.missing',
        severity: 'high',
        message: 'the EU declaration of conformity could not be read',
        reference: 'Art. 47',
        remediation: 'Upload it.',
      },
    ],
  }),
  decision(5, 'retail-credit-scorer', '1', 'allow', '2026-11-12T10:00:00.000Z'),
  decision(6, 'cv-ranker', '2', 'allow', '2026-11-20T09:00:00.000Z', {
    obligations: [
      { ref: 'Art. 9', title: 'Risk management system', holder: 'provider', satisfied: true },
      { ref: 'Art. 47', title: 'EU declaration of conformity', holder: 'provider', satisfied: false },
    ],
  }),
  decision(7, 'cv-ranker', '2', 'review', '2026-11-25T09:00:00.000Z', { riskClass: 'high' }),
];

export const CV_RANKER_V2: ModelFacts = {
  group: 'cv-ranker',
  version: '2',
  arn: arn('cv-ranker', '2'),
  approvalStatus: 'PendingManualApproval',
  profile: {
    name: 'CV ranker',
    purpose: 'Ranks job applications for recruiters',
    role: 'provider',
    useCase: 'recruitment',
    affectsNaturalPersons: true,
    profiling: true,
  },
  profileSource: 's3://governance/cv-ranker/profile.json',
  bias: {
    source: 's3://governance/cv-ranker/clarify/analysis.json',
    label: 'hired',
    facets: {
      gender: [
        { value: 'female', metrics: { DI: 0.62, DPPL: 0.21, AD: -0.04 } },
        { value: 'male', metrics: { DI: 1.3, DPPL: -0.21, AD: 0.04 } },
      ],
      age: [{ value: 'over_50', metrics: { DI: 0.91, DPPL: 0.05, AD: null } }],
    },
  },
  obligationEvidence: {
    risk_management: { source: 's3://governance/cv-ranker/risk-management.pdf' },
    post_market_monitoring: { source: 's3://governance/cv-ranker/pmm-plan.pdf' },
  },
  missing: [
    {
      kind: 'obligation_evidence',
      source: 's3://governance/cv-ranker/doc.pdf',
      obligation: 'eu_declaration_of_conformity',
    },
  ],
  deployments: [],
};

export const EXCEPTIONS: Exception[] = [
  {
    id: 'exc-1',
    rule: 'bias.disparate_impact',
    subject: 'cv-ranker',
    reason: 'Interim model while the retraining completes',
    approver: 'jane.doe',
    expiresAt: '2026-11-15T00:00:00Z',
    grantedAt: '2026-11-05T00:00:00.000Z',
  },
  {
    id: 'exc-2',
    rule: 'evidence.missing',
    subject: 'retail-credit-scorer',
    reason: 'Declaration is being signed by the legal team',
    approver: 'john.roe',
    expiresAt: '2027-01-31T00:00:00Z',
    grantedAt: '2026-11-20T00:00:00.000Z',
  },
];

/** Ledger positions: decision n is entry n + 10; its leaf hash is made up but stable. */
export function locate({ id }: Pick<Decision, 'id'>): Promise<EvidenceRef | undefined> {
  const n = Number(id.slice(-12));
  return Promise.resolve({
    ledgerIndex: n + 10,
    entryHash: createHash('sha256').update(`leaf-${n}`).digest('hex'),
  });
}

export async function signedCheckpoint(signer: Signer = SIGNER): Promise<CheckpointRef> {
  const text = encodeCheckpoint({
    origin: ORIGIN,
    size: 42,
    rootHash: createHash('sha256').update('root').digest(),
  });
  return checkpointRef(await signNote(text, [signer]));
}

export function exceptionsFor(subjects: readonly string[]): Promise<Exception[]> {
  return Promise.resolve(EXCEPTIONS.filter((e) => subjects.includes(e.subject)));
}

export async function fixtureInputs(
  decisions: readonly Decision[],
  model?: ModelFacts,
): Promise<ReportInputs> {
  return {
    decisions: arrayDecisions(decisions),
    exceptions: exceptionsFor,
    ...(model ? { model } : {}),
    locate,
    checkpoint: await signedCheckpoint(),
    now: NOW,
  };
}

const GROUP_COUNT = 500;
const RULES = ['bias.disparate_impact', 'evidence.missing', 'profile.missing', 'transparency.disclosure'];

/**
 * `n` decisions made on the fly, one per 30 seconds from 2026-01-01 across 500 models: re-iterable (each
 * iteration starts again) and never held in memory.
 */
export function generatedDecisions(n: number): AsyncIterable<Decision> {
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  return {
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < n; i++) {
        const group = `model-${String(i % GROUP_COUNT).padStart(3, '0')}`;
        const outcome: Outcome = i % 7 === 0 ? 'deny' : i % 11 === 0 ? 'review' : 'allow';
        const violations =
          outcome === 'allow'
            ? []
            : [
                {
                  rule: RULES[i % RULES.length] as string,
                  severity: 'high' as const,
                  message: `generated violation ${i}, with a comma`,
                  reference: 'Art. 10',
                  remediation: 'Fix it.',
                },
              ];
        yield decision(i, group, String(1 + (i % 3)), outcome, new Date(start + i * 30_000).toISOString(), {
          riskClass: i % 5 === 0 ? 'limited' : 'high',
          violations,
        });
      }
    },
  };
}
