/**
 * Checks a raw JSON-protocol answer against botocore's service model (the model the AWS SDKs are
 * generated from): no member the shape does not declare, every required member present, enums, and
 * number types. The SDK's deserializer drops unknown members silently, so only the raw answer shows them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

interface ShapeDefinition {
  type: string;
  members?: Record<string, { shape: string }>;
  required?: string[];
  member?: { shape: string };
  enum?: string[];
}

export interface ServiceModel {
  operations: Record<string, { output?: { shape: string } }>;
  shapes: Record<string, ShapeDefinition>;
}

const VENV_LIB = fileURLToPath(new URL('../../../.venv/lib/', import.meta.url));

/** The newest API version of `service` in the project's .venv botocore. */
export function loadServiceModel(service: string): ServiceModel {
  const [python] = readdirSync(VENV_LIB).filter((name) => name.startsWith('python'));
  if (!python) throw new Error(`no Python in ${VENV_LIB}`);
  const dataDir = join(VENV_LIB, python, 'site-packages/botocore/data', service);
  const version = readdirSync(dataDir).sort().at(-1) ?? '';
  const file = join(dataDir, version, 'service-2.json.gz');
  return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as ServiceModel;
}

/** Every way `value` departs from the output shape of `operation`, as `path: problem` lines. */
export function outputShapeViolations(model: ServiceModel, operation: string, value: unknown): string[] {
  const output = model.operations[operation]?.output?.shape;
  if (!output) throw new Error(`operation ${operation} has no output shape`);
  return violations(model, output, value, operation);
}

function violations(model: ServiceModel, shapeName: string, value: unknown, path: string): string[] {
  const shape = model.shapes[shapeName];
  if (!shape) return [`${path}: unknown shape ${shapeName}`];
  switch (shape.type) {
    case 'structure':
      return structureViolations(model, shape, value, path);
    case 'list':
      if (!Array.isArray(value)) return [`${path}: expected a list`];
      return value.flatMap((item, index) =>
        violations(model, shape.member?.shape ?? '', item, `${path}[${index}]`),
      );
    case 'string':
      if (typeof value !== 'string') return [`${path}: expected a string`];
      if (shape.enum && !shape.enum.includes(value)) return [`${path}: '${value}' is not in ${shapeName}`];
      return [];
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer`];
    case 'float':
    case 'double':
    case 'timestamp':
      return typeof value === 'number' ? [] : [`${path}: expected a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    default:
      return [];
  }
}

function structureViolations(
  model: ServiceModel,
  shape: ShapeDefinition,
  value: unknown,
  path: string,
): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [`${path}: expected an object`];
  const members = shape.members ?? {};
  const record = value as Record<string, unknown>;
  const found = Object.entries(record).flatMap(([name, member]) => {
    const definition = members[name];
    if (!definition) return [`${path}.${name}: not a member of the shape`];
    return violations(model, definition.shape, member, `${path}.${name}`);
  });
  const missing = (shape.required ?? [])
    .filter((name) => record[name] === undefined)
    .map((name) => `${path}.${name}: required member missing`);
  return [...found, ...missing];
}
