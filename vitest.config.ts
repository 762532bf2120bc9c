import { configDefaults, defineConfig } from 'vitest/config';

/** Handlers log and emit metrics for CloudWatch; tests keep them quiet. */
const env = {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], env } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/integration/kubernetes/**'],
          globalSetup: ['test/support/moto-global-setup.ts'],
          env,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'kubernetes',
          include: ['test/integration/kubernetes/**/*.test.ts'],
          // the AWS emulator for the EKS access-entry token tests (STS)
          globalSetup: ['test/support/kube-global-setup.ts', 'test/support/moto-global-setup.ts'],
          env,
          testTimeout: 120_000,
          hookTimeout: 90_000,
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 180_000, env } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 120_000, env } },
    ],
  },
});
