/**
 * What each AI-system profile field asks, in words a reader of an Annex IV file understands, with the provision
 * of the EU AI Act (Regulation (EU) 2024/1689) or the GDPR that the answer feeds. Reports show these labels,
 * not the JSON keys; a test keeps one label for every field of the profile schema.
 */
export const PROFILE_FIELD_LABELS: Readonly<Record<string, string>> = {
  name: 'Name of the AI system',
  purpose: 'Intended purpose (Art. 3(12))',
  role: 'Role of the organisation: provider or deployer (Art. 3(3), 3(4))',
  deployerType: 'Type of deployer (decides the Art. 27 fundamental rights impact assessment)',
  affectsNaturalPersons: 'Affects natural persons',
  profiling: 'Profiles natural persons (GDPR Art. 4(4); Art. 6(3) AI Act)',
  useCase: 'Use case (Annex III area)',
  'art5.manipulativeOrSubliminal': 'Art. 5(1)(a): subliminal, manipulative or deceptive techniques',
  'art5.exploitsVulnerabilities': 'Art. 5(1)(b): exploits vulnerabilities of age, disability or situation',
  'art5.significantHarmLikely': 'Art. 5(1)(a)-(b): significant harm caused or reasonably likely',
  'art5.socialScoring': 'Art. 5(1)(c): social scoring',
  'art5.crimeRiskSolelyFromProfiling': 'Art. 5(1)(d): crime risk assessed solely by profiling',
  'art5.untargetedFacialScraping': 'Art. 5(1)(e): untargeted scraping of facial images',
  'art5.intimateImageryWithoutConsent':
    'Art. 5(1)(ba): realistic intimate imagery of an identifiable person without consent',
  'art5.childSexualAbuseMaterial': 'Art. 5(1)(bb): generates child sexual abuse material',
  'biometrics.function': 'Biometric function (Art. 3(35)-(42))',
  'biometrics.realtime': 'Biometric identification in real time (Art. 3(42))',
  'biometrics.publiclyAccessibleSpace': 'Used in publicly accessible spaces (Art. 3(44))',
  'biometrics.inferredAttributes': 'Sensitive attributes inferred from biometric data (Art. 5(1)(g))',
  'biometrics.setting': 'Setting of emotion recognition: workplace or education (Art. 5(1)(f))',
  'biometrics.medicalOrSafetyReason': 'Medical or safety reason for emotion recognition (Art. 5(1)(f))',
  'biometrics.lawEnforcement.objective': 'Law-enforcement objective of remote identification (Art. 5(1)(h))',
  'biometrics.lawEnforcement.priorAuthorisation':
    'Prior judicial or administrative authorisation (Art. 5(3))',
  'annexI.legislation': 'Union harmonisation legislation of Annex I that covers the product',
  'annexI.safetyComponent': 'Safety component of an Annex I product, or the product itself (Art. 6(1)(a))',
  'annexI.thirdPartyConformityAssessment': 'Third-party conformity assessment required (Art. 6(1)(b))',
  derogation: 'Art. 6(3) derogation claimed for an Annex III system',
  'transparency.interactsWithHumans': 'Interacts directly with natural persons (Art. 50(1))',
  'transparency.generatesSyntheticContent': 'Generates synthetic audio, image, video or text (Art. 50(2))',
  'transparency.deepfake': 'Generates or manipulates deep fakes (Art. 50(4))',
  'gpai.isGpai': 'General-purpose AI model (Art. 3(63))',
  'gpai.trainingFlops':
    'Training compute in floating-point operations (Art. 51(2): 10^25 presumes systemic risk)',
  'gpai.commissionDesignated': 'Designated by the Commission as having systemic risk (Art. 51(1)(b))',
  'gpai.openWeights': 'Released under a free and open-source licence with open weights (Art. 53(2))',
  'personalData.legalBasis': 'Legal basis for processing personal data in training (GDPR Art. 6(1))',
  'personalData.masking': 'Personal data masked before training',
  'personalData.categories': 'Personal data categories the masking covers',
};

/** The label of a profile field path such as `art5.socialScoring`; the path itself when none is known. */
export const profileFieldLabel = (path: string): string =>
  Object.hasOwn(PROFILE_FIELD_LABELS, path) ? (PROFILE_FIELD_LABELS[path] as string) : path;
