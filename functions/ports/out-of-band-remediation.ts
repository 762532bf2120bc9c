/**
 * What the out-of-band step needs of a target beyond DeploymentTarget: what an endpoint serves now, and the two
 * remedies, putting back the config of a Verdict deployment or deleting the endpoint. Revisions are the
 * handles `AppliedDeployment.revision` carries, so the step compares them without knowing the target's names.
 */

/** A model an endpoint runs: the registered package it came from, or (a model made otherwise) its containers. */
export interface ServedModel {
  name: string;
  modelPackageArn?: string;
  images: string[];
  modelDataUrls: string[];
}

export interface EndpointServing {
  endpointName: string;
  /** The target's own status, e.g. `InService`, `Updating`. */
  status: string;
  /** The revision serving traffic, and the one being rolled out (if any). */
  revisions: string[];
  models: ServedModel[];
}

export interface OutOfBandRemediation {
  /** The revision an endpoint config of this endpoint would have: what a call naming the config asked for. */
  revisionOf(endpointName: string, endpointConfigName: string): string;
  /** What the endpoint serves now; undefined when it does not exist (or is being deleted). */
  describeServing(endpointName: string): Promise<EndpointServing | undefined>;
  /** Serves `revision` again (updating the endpoint, or creating it when it was deleted); returns the target's status. */
  restore(endpointName: string, revision: string): Promise<string>;
  /** Deletes the endpoint (not its models or configs, kept for the audit trail); returns the target's status. */
  remove(endpointName: string): Promise<string>;
}
