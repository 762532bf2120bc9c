import { InvalidInputError, parseOrThrow } from '../../shared/validation.ts';
import { type AiSystemProfile, aiSystemProfileSchema } from './ai-system-profile.ts';

/** Parses profile bytes; every problem is reported with its JSON path under `profile`. */
export function parseProfile(bytes: Uint8Array | string): AiSystemProfile {
  const text = typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError('profile.invalid', [`profile: not JSON (${(error as Error).message})`]);
  }
  return parseOrThrow(aiSystemProfileSchema, json, 'profile.invalid', 'profile');
}
