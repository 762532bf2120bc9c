/** What each command does, in one line: its help text, and the command list of `verdict --help`. */
export const COMMAND_SUMMARIES = {
  bias: 'bias metrics of a binary classifier (SageMaker Clarify post-training metrics, Fairlearn, four-fifths rule)',
  check:
    'evaluate the registry gate for a profile and its evidence, without an event (for CI: text, json, sarif, junit)',
  classify: 'classify an AI-system profile under the EU AI Act and print the classification (JSON)',
  cluster:
    'set up an EKS cluster for Verdict: `cluster manifests` prints the namespaces, RBAC and admission policy to apply',
  dataset:
    'register a dataset version with its manifest (the data gate: PII, legal basis, subject keys, pre-training bias) and list versions',
  decisions:
    'list and show the decisions the gates recorded, each checked against the audit ledger (data directory or --stack)',
  deploy:
    'deploy an approved model version: gated by the deployment policy, rolled out with a canary and a bake, recorded step by step',
  deployments: 'list and show deployments: where each stands, its gate decision and every step',
  demo: 'register three sample model versions locally and gate them through the event bus',
  endpoints:
    'the embedded SageMaker endpoints: list them, or change one outside Verdict to see the orchestrator detect and remediate it',
  dlq: 'dead letters: events a target could not process, kept in the data directory',
  erasure: 'GDPR erasure: locate every registered dataset version and row holding a person (by subject key)',
  exception:
    'grant, revoke and list exceptions (waivers): one rule, one model, a reason, an approver, an expiry',
  explain: 'render a decision (JSON, as `verdict gate` prints it) as text for a human reviewer',
  forget: 'erase a person: destroy their data key, record the erasure, clean the data directory',
  gate: 'evaluate one SageMaker Model Package State Change event offline and print the decision',
  ledger: 'the tamper-evident audit ledger: export, verify, prove, checkpoints, witness',
  profile:
    'write (init) or check (validate) an AI-system profile, the answers the EU AI Act policy classifies',
  registry:
    'the embedded model registry: register a version (its event goes to the gate through the local bus), list versions',
  rollback: 'roll a deployment back to the version that ran before it (or remove what it created)',
  report:
    'build a signed compliance report (model-compliance, annex-iv, period-summary) from the local stores',
  'scan-pii': 'scan text, CSV, TSV, JSONL and Parquet files for PII; print the findings (masked) as JSON',
  serve:
    'run the local backbone: POST /events (an EventBridge PutEvents body) and the auditor API (GET /openapi.json; tokens from `verdict token create`)',
  token: 'bearer tokens for the local auditor API (verdict serve)',
} as const;

export type CommandName = keyof typeof COMMAND_SUMMARIES;
