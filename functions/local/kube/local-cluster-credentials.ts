/**
 * What a throw-away Kubernetes API server needs to authenticate and be trusted: a self-made CA and a
 * serving certificate for 127.0.0.1 (openssl), service-account signing keys (node:crypto) and a static
 * token file with one random token per user. All of it lives in the control plane's data folder.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EKS_DEPLOYER_GROUP } from '../../contracts/eks-cluster.ts';

/** The identity Verdict deploys with; RBAC decides what it may do (see deployer-access.ts). */
export const DEPLOYER_USER = 'verdict-deployer';

/** A member of the group an EKS access entry maps Verdict's orchestrator to (`verdict cluster manifests`). */
export const GROUP_DEPLOYER_USER = 'verdict-group-deployer';

export type KubeUser =
  | 'admin'
  | 'deployer'
  | 'groupDeployer'
  | 'controllerManager'
  | 'scheduler'
  | 'nodeSimulator';

export interface ClusterCredentials {
  readonly caCertFile: string;
  readonly caPem: string;
  readonly servingCertFile: string;
  readonly servingKeyFile: string;
  readonly serviceAccountPublicKeyFile: string;
  readonly serviceAccountSigningKeyFile: string;
  readonly tokenFile: string;
  readonly tokens: Readonly<Record<KubeUser, string>>;
}

const run = promisify(execFile);

const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = verdict-local-ca
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[serving]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
`;

/** Users of the token file: name, uid, groups. `system:masters` bypasses RBAC. */
const USERS: Record<KubeUser, { name: string; groups: string[] }> = {
  admin: { name: 'verdict-local-admin', groups: ['system:masters'] },
  deployer: { name: DEPLOYER_USER, groups: [] },
  groupDeployer: { name: GROUP_DEPLOYER_USER, groups: [EKS_DEPLOYER_GROUP] },
  controllerManager: { name: 'system:kube-controller-manager', groups: ['system:masters'] },
  scheduler: { name: 'system:kube-scheduler', groups: ['system:masters'] },
  nodeSimulator: { name: 'verdict-kwok', groups: ['system:masters'] },
};

export async function writeClusterCredentials(dir: string): Promise<ClusterCredentials> {
  const file = (name: string) => join(dir, name);
  await writeFile(file('openssl.cnf'), OPENSSL_CONFIG);
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    '-config',
    file('openssl.cnf'),
    '-extensions',
    'ca',
    ...ecKey,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
    '-days',
    '2',
  ]);
  await run('openssl', [
    'req',
    '-new',
    '-config',
    file('openssl.cnf'),
    ...ecKey,
    '-subj',
    '/CN=kube-apiserver',
    '-keyout',
    file('serving.key'),
    '-out',
    file('serving.csr'),
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    file('serving.csr'),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-set_serial',
    '2',
    '-days',
    '2',
    '-extfile',
    file('openssl.cnf'),
    '-extensions',
    'serving',
    '-out',
    file('serving.crt'),
  ]);

  const serviceAccount = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFile(file('sa.pub'), serviceAccount.publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(file('sa.key'), serviceAccount.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });

  const token = () => randomBytes(24).toString('hex');
  const tokens = {
    admin: token(),
    deployer: token(),
    groupDeployer: token(),
    controllerManager: token(),
    scheduler: token(),
    nodeSimulator: token(),
  };
  const lines = (Object.keys(USERS) as KubeUser[]).map((user, index) => {
    const { name, groups } = USERS[user];
    return `${tokens[user]},${name},uid-${index},"${groups.join(',')}"`;
  });
  await writeFile(file('tokens.csv'), `${lines.join('\n')}\n`, { mode: 0o600 });

  return {
    caCertFile: file('ca.crt'),
    caPem: await readFile(file('ca.crt'), 'utf8'),
    servingCertFile: file('serving.crt'),
    servingKeyFile: file('serving.key'),
    serviceAccountPublicKeyFile: file('sa.pub'),
    serviceAccountSigningKeyFile: file('sa.key'),
    tokenFile: file('tokens.csv'),
    tokens,
  };
}
