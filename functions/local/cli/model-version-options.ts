/**
 * The options `verdict check` and `verdict registry register` share: a profile, bias evidence (a Clarify
 * report or confusion counts) and training data, read and checked before anything is staged or written.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isModelPackageGroupName } from '../../adapters/local/sqlite-model-registry.ts';
import { parseClarifyReport } from '../../gates/bias/clarify-report.ts';
import { pointerProblem } from '../../gates/model-registry/governance-inputs.ts';
import { parseProfile } from '../../gates/profile/parse-profile.ts';
import type { LocalFile, ModelVersionInputs } from '../model-version-inputs.ts';
import { clarifyReportFromCounts } from './counts-report.ts';
import { UsageError } from './exit-codes.ts';
import { readJsonFile } from './read-json-file.ts';

export interface ModelVersionOptions {
  profile: string;
  clarify?: string;
  counts?: string;
}

export function addModelVersionOptions(command: Command): Command {
  return command
    .requiredOption('--profile <file>', 'the AI-system profile (JSON)')
    .option('--clarify <file>', 'the bias evidence: a SageMaker Clarify bias report (analysis.json)')
    .option(
      '--counts <file>',
      'the bias evidence as confusion counts: {"reference": {TP, FP, FN, TN}, "sensitive": {...}, "facet"?, "value"?}',
    );
}

/** Every input read and parsed as the gate will parse it: a bad one is a usage error, nothing written. */
export function readModelVersionInputs(
  options: ModelVersionOptions,
  trainingData?: string,
): ModelVersionInputs {
  if (options.clarify !== undefined && options.counts !== undefined)
    throw new UsageError('give only one of --clarify, --counts');
  const profile = readLocalFile(options.profile, 'profile');
  readJsonFile(options.profile, 'profile');
  parseProfile(profile.bytes);
  let biasReport: LocalFile | undefined;
  if (options.clarify !== undefined) {
    readJsonFile(options.clarify, 'clarify report');
    biasReport = readLocalFile(options.clarify, 'clarify report');
    parseClarifyReport(biasReport.bytes, options.clarify);
  } else if (options.counts !== undefined) {
    const json = readJsonFile(options.counts, 'counts');
    biasReport = { path: options.counts, bytes: clarifyReportFromCounts(json, options.counts) };
  }
  return {
    profile,
    ...(biasReport && { biasReport }),
    ...(trainingData !== undefined && {
      trainingData: trainingData.startsWith('s3://')
        ? s3Pointer(trainingData)
        : readLocalFile(trainingData, 'training data'),
    }),
  };
}

function s3Pointer(uri: string): string {
  const problem = pointerProblem(uri);
  if (problem) throw new UsageError(`training data ${uri}: ${problem}`);
  return uri;
}

export function readLocalFile(path: string, what: string): LocalFile {
  try {
    return { path, bytes: readFileSync(path) };
  } catch (error) {
    throw new UsageError(
      `${what} ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/** A model package group name from the profile's name (`Retail credit scorer` -> `retail-credit-scorer`). */
export function groupFromProfile(profile: LocalFile): string {
  const name = (JSON.parse(new TextDecoder().decode(profile.bytes)) as { name?: unknown }).name;
  const slug = String(typeof name === 'string' ? name : '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return slug || 'model';
}

/** A group name SageMaker takes, else a usage error before anything is written. */
export function checkGroupName(group: string): string {
  if (!isModelPackageGroupName(group))
    throw new UsageError(
      `--group ${group}: not a model package group name (1 to 63 letters, digits and hyphens, starting and ending with a letter or digit)`,
    );
  return group;
}
