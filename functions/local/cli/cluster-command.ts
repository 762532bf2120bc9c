import type { Command } from 'commander';
import { clusterSetupObjects } from '../../adapters/kubernetes/cluster-setup.ts';
import { DEFAULT_PARAMETERS, dnsLabel, EKS_DEPLOYER_GROUP } from '../../contracts/eks-cluster.ts';
import { InvalidInputError } from '../../shared/validation.ts';
import { parseEksClusters } from '../local-eks-targets.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { UsageError } from './exit-codes.ts';
import { collect } from './options.ts';

interface ManifestsOptions {
  cluster?: string;
  namespace?: string[];
  parameters?: string;
  maxGpus: string;
}

interface ClusterLayout {
  readonly label: string;
  readonly namespaces: readonly string[];
  readonly parameters: { readonly namespace: string; readonly name: string };
}

const DEFAULT_MAX_GPUS = '1';

export function registerClusterCommand(program: Command): void {
  const cluster = program.command('cluster').description(COMMAND_SUMMARIES.cluster);

  cluster
    .command('manifests')
    .description(
      `print, as YAML for \`kubectl apply -f -\` (run as a cluster admin), what a cluster needs before Verdict deploys to it: the namespaces, a Role and RoleBinding for the group ${EKS_DEPLOYER_GROUP} (the orchestrator's access entry), the approved-digest ConfigMap and the admission policy that refuses unapproved digests`,
    )
    .option(
      '--cluster <name>',
      'a cluster of VERDICT_EKS_CLUSTERS (JSON): its governed namespaces and parameter ConfigMap',
    )
    .option('--namespace <name>', 'without --cluster: a namespace Verdict deploys to (repeatable)', collect)
    .option(
      '--parameters <namespace/name>',
      `without --cluster: the approved-digest ConfigMap (default ${DEFAULT_PARAMETERS.namespace}/${DEFAULT_PARAMETERS.name})`,
    )
    .option('--max-gpus <n>', 'the most GPUs a pod may ask for', DEFAULT_MAX_GPUS)
    .action(async (options: ManifestsOptions) => {
      const layout = clusterLayout(options, process.env);
      const objects = clusterSetupObjects({
        subject: { kind: 'Group', name: EKS_DEPLOYER_GROUP },
        namespaces: layout.namespaces,
        parameters: layout.parameters,
        maxGpusPerPod: maxGpus(options.maxGpus),
      });
      const { stringify } = (await import('yaml')).default;
      const header =
        `# What ${layout.label} needs before Verdict deploys to it; apply as a cluster admin:\n` +
        '#   kubectl apply -f -\n';
      process.stdout.write(`${header}${objects.map((object) => `---\n${stringify(object)}`).join('')}`);
    });
}

function clusterLayout(options: ManifestsOptions, env: NodeJS.ProcessEnv): ClusterLayout {
  if (options.cluster !== undefined) {
    if (options.namespace || options.parameters !== undefined) {
      throw new UsageError(
        '--cluster takes the namespaces and the parameter ConfigMap from VERDICT_EKS_CLUSTERS: leave out --namespace and --parameters',
      );
    }
    return configuredCluster(options.cluster, env);
  }
  if (!options.namespace) {
    throw new UsageError(
      'name the cluster (--cluster NAME, from VERDICT_EKS_CLUSTERS) or the namespaces Verdict deploys to (--namespace NAME, repeatable)',
    );
  }
  const namespaces = [...new Set(options.namespace.map((name) => checkedName('--namespace', name)))];
  if (namespaces.length > 50) throw new UsageError('--namespace: at most 50 namespaces');
  return {
    label: 'the cluster',
    namespaces,
    parameters: options.parameters === undefined ? DEFAULT_PARAMETERS : parametersFlag(options.parameters),
  };
}

function configuredCluster(name: string, env: NodeJS.ProcessEnv): ClusterLayout {
  const text = env.VERDICT_EKS_CLUSTERS?.trim();
  if (!text) {
    throw new UsageError(
      `--cluster ${name}: VERDICT_EKS_CLUSTERS is not set (the clusters as JSON, see docs/deployments.md)`,
    );
  }
  let clusters: ReturnType<typeof parseEksClusters>;
  try {
    clusters = parseEksClusters(text);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new UsageError(error.problems.join('; '));
    throw error;
  }
  const cluster = clusters.find((candidate) => candidate.name === name);
  if (!cluster) {
    const known = clusters.map((candidate) => candidate.name).join(', ') || 'none';
    throw new UsageError(`--cluster ${name}: VERDICT_EKS_CLUSTERS has no such cluster (it has: ${known})`);
  }
  return {
    label: `cluster ${cluster.name}`,
    namespaces: cluster.governedNamespaces,
    parameters: cluster.parameters,
  };
}

function parametersFlag(value: string): { namespace: string; name: string } {
  const parts = value.split('/');
  if (parts.length !== 2) throw new UsageError(`--parameters ${value}: expected namespace/name`);
  const [namespace, name] = parts as [string, string];
  return { namespace: checkedName('--parameters', namespace), name: checkedName('--parameters', name) };
}

function checkedName(flag: string, value: string): string {
  const parsed = dnsLabel.safeParse(value);
  if (!parsed.success) throw new UsageError(`${flag} ${value}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

function maxGpus(value: string): number {
  const gpus = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(gpus)) {
    throw new UsageError(`--max-gpus ${value}: expected a whole number of GPUs (0 to 999)`);
  }
  return gpus;
}
