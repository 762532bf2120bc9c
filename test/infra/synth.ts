/**
 * Synthesizes the Verdict app for the infra tests exactly as `cdk synth` does: cdk.json context (feature
 * flags and `verdict:*` defaults) plus overrides, the same buildVerdictApp, real esbuild bundling. The
 * policy bundle is a small stand-in so the tests do not depend on `npm run build:policies`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { REPO_ROOT } from '../../infra/paths.ts';
import { buildVerdictApp, type VerdictAppOptions } from '../../infra/verdict-app.ts';
import type { VerdictStack } from '../../infra/verdict-stack.ts';

export const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
  app: string;
  watch: { include: string[]; exclude: string[] };
  context: Record<string, unknown>;
};

/** Context that makes CDK skip asset bundling (as `cdk synth --exclusively OtherStack` would). */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export function standInPolicyBundle(): { path: string; bytes: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'verdict-policy-'));
  const path = join(dir, 'bundle.tar.gz');
  const bytes = Buffer.from(`stand-in policy bundle ${dir}\n`);
  writeFileSync(path, bytes);
  return { path, bytes };
}

export interface Synthesized {
  app: App;
  stack: VerdictStack;
  template: Template;
  outdir: string;
}

export function buildApp(context: Record<string, unknown> = {}, options: VerdictAppOptions = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'verdict-cdk-out-'));
  const app = new App({ outdir, context: { ...cdkJson.context, ...context } });
  const stack = buildVerdictApp(app, options);
  return { app, stack, outdir };
}

/** A stack of the app, its template, and the template's resources by logical id. */
export interface BuiltStack {
  stack: VerdictStack;
  template: Template;
  resources: Record<string, Json>;
}

/** Builds the app without bundling functions, with the given context and policy bundle. */
export function buildStack(context: Record<string, unknown>, policyBundlePath: string): BuiltStack {
  const { stack } = buildApp({ ...NO_BUNDLING, ...context }, { policyBundlePath });
  const template = Template.fromStack(stack);
  return { stack, template, resources: template.toJSON().Resources as Record<string, Json> };
}

export function synth(context: Record<string, unknown> = {}, options: VerdictAppOptions = {}): Synthesized {
  const { app, stack, outdir } = buildApp(context, options);
  // Template.fromStack synthesizes the app, which runs the cdk-nag aspect and the bundling.
  const template = Template.fromStack(stack);
  return { app, stack, template, outdir };
}

export type Json = Record<string, unknown>;

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Condition?: Json;
  Principal?: unknown;
}

export function resourcesOfType(template: Template, type: string): Record<string, Json> {
  return template.findResources(type) as Record<string, Json>;
}

/**
 * Every statement of every identity policy in the template: IAM::Policy, inline role policies and the
 * managed policies attached to the stack's roles (not the guards, which the stack attaches to nobody).
 */
export function identityStatements(template: Template): Statement[] {
  const statements: Statement[] = [];
  const managed = Object.values(resourcesOfType(template, 'AWS::IAM::ManagedPolicy')).filter(
    (resource) => (resource.Properties as Json).Roles !== undefined,
  );
  for (const resource of [...Object.values(resourcesOfType(template, 'AWS::IAM::Policy')), ...managed]) {
    const props = resource.Properties as { PolicyDocument: { Statement: Statement[] } };
    statements.push(...props.PolicyDocument.Statement);
  }
  for (const resource of Object.values(resourcesOfType(template, 'AWS::IAM::Role'))) {
    const props = resource.Properties as { Policies?: { PolicyDocument: { Statement: Statement[] } }[] };
    for (const policy of props.Policies ?? []) statements.push(...policy.PolicyDocument.Statement);
  }
  return statements;
}

export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** A resolved CloudFormation value as one string: Refs and GetAtts become <Name> / <Logical.Attribute>. */
export function flat(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flat).join('');
  if (value && typeof value === 'object') {
    const record = value as Json;
    if ('Ref' in record) return `<${String(record.Ref)}>`;
    if ('Fn::GetAtt' in record) return `<${(record['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Fn::Join' in record) {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      return parts.map(flat).join(separator);
    }
  }
  return JSON.stringify(value);
}

export function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  const child = construct.node.defaultChild as { logicalId: string } | undefined;
  if (!child) throw new Error('construct has no default child');
  return stack.resolve(child.logicalId) as string;
}
