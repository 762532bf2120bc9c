/**
 * The nine sections of EU AI Act Annex IV (technical documentation, Art. 11(1)) and the evidence each one
 * is assembled from: a recorded fact (profile, bias report, the gate's decisions, the ledger) or the
 * document a model package names for an obligation in its evidence manifest (`verdict:evidence`, keyed by
 * the obligation ids of policies/verdict/config/euaiact/obligations).
 */

export type AnnexIvNeed =
  | { kind: 'profile' }
  | { kind: 'bias' }
  | { kind: 'group-metrics' }
  | { kind: 'metrics-used' }
  | { kind: 'gate-decisions' }
  | { kind: 'ledger' }
  | { kind: 'lifecycle' }
  /** A document for an obligation: `id` is its key in the evidence manifest, `ref` its article. */
  | { kind: 'obligation'; id: string; ref: string; label: string };

export interface AnnexIvSection {
  number: number;
  title: string;
  /** What Annex IV asks for, in one sentence. */
  asks: string;
  needs: AnnexIvNeed[];
}

const obligation = (id: string, ref: string, label: string): AnnexIvNeed => ({
  kind: 'obligation',
  id,
  ref,
  label,
});

export const ANNEX_IV_SECTIONS: readonly AnnexIvSection[] = [
  {
    number: 1,
    title: 'General description of the AI system',
    asks: 'Intended purpose, provider, version, how it interacts with other systems, the forms it is placed on the market in.',
    needs: [{ kind: 'profile' }],
  },
  {
    number: 2,
    title: 'Detailed description of the elements of the AI system and of the process for its development',
    asks: 'Design, data and data governance, validation and testing, including metrics on potentially discriminatory impacts.',
    needs: [
      { kind: 'bias' },
      obligation(
        'data_governance',
        'Art. 10',
        'Data and data governance, incl. examination of possible biases (Art. 10)',
      ),
      obligation('technical_documentation', 'Art. 11', 'Technical documentation (Art. 11)'),
    ],
  },
  {
    number: 3,
    title: 'Monitoring, functioning and control of the AI system',
    asks: 'Capabilities and limitations, expected accuracy for specific persons or groups, human oversight measures, input data specifications.',
    needs: [
      { kind: 'group-metrics' },
      obligation('human_oversight', 'Art. 14', 'Human oversight measures (Art. 14)'),
      obligation('instructions_for_use', 'Art. 13', 'Instructions for use (Art. 13)'),
      obligation('record_keeping', 'Art. 12', 'Record-keeping: automatic logging (Art. 12)'),
      { kind: 'ledger' },
    ],
  },
  {
    number: 4,
    title: 'Appropriateness of the performance metrics',
    asks: 'Why the performance metrics chosen are appropriate for the system.',
    needs: [
      { kind: 'metrics-used' },
      obligation('accuracy_robustness', 'Art. 15', 'Accuracy, robustness and cybersecurity (Art. 15)'),
    ],
  },
  {
    number: 5,
    title: 'Risk management system (Art. 9)',
    asks: 'A detailed description of the risk management system in accordance with Article 9.',
    needs: [
      obligation('risk_management', 'Art. 9', 'Risk management system (Art. 9)'),
      { kind: 'gate-decisions' },
    ],
  },
  {
    number: 6,
    title: 'Changes made to the system through its lifecycle',
    asks: 'A description of relevant changes made by the provider to the system through its lifecycle.',
    needs: [{ kind: 'lifecycle' }],
  },
  {
    number: 7,
    title: 'Harmonised standards applied, or other solutions used',
    asks: 'The harmonised standards applied in full or in part; otherwise the solutions adopted to meet the requirements of Chapter III, Section 2.',
    needs: [
      obligation(
        'harmonised_standards',
        'Art. 40',
        'Harmonised standards or common specifications applied (Art. 40-41)',
      ),
      obligation('quality_management', 'Art. 17', 'Quality management system (Art. 17)'),
      obligation('conformity_assessment', 'Art. 43', 'Conformity assessment (Art. 43)'),
    ],
  },
  {
    number: 8,
    title: 'Copy of the EU declaration of conformity',
    asks: 'A copy of the EU declaration of conformity referred to in Article 47.',
    needs: [obligation('eu_declaration_of_conformity', 'Art. 47', 'EU declaration of conformity (Art. 47)')],
  },
  {
    number: 9,
    title: 'Post-market monitoring system and plan (Art. 72(3))',
    asks: 'A detailed description of the system in place to evaluate performance in the post-market phase, including the post-market monitoring plan.',
    needs: [
      obligation('post_market_monitoring', 'Art. 72', 'Post-market monitoring system and plan (Art. 72)'),
      obligation('serious_incident_reporting', 'Art. 73', 'Serious incident reporting (Art. 73)'),
    ],
  },
];
