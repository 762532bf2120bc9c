/** The local control plane's users, as the kubernetes integration tests name them. */
export { DEPLOYER_USER } from '../../functions/local/kube/local-cluster-credentials.ts';
