/**
 * Masked previews. A card keeps at most its first and last 4 digits (fewer than PCI DSS allows); every
 * other entity keeps only its shape: letters and digits become `*`, separators stay. Previews are cut
 * to 40 characters, so a long value shows no more of its shape than that.
 */
import type { PiiEntity } from './entities.ts';

const MAX_PREVIEW = 40;

export function maskPreview(entity: PiiEntity, value: string): string {
  if (entity === 'CREDIT_CARD') {
    const digits = value.replace(/\D/g, '');
    if (digits.length < 13) return '*'.repeat(digits.length);
    return `${digits.slice(0, 4)}${'*'.repeat(digits.length - 8)}${digits.slice(-4)}`;
  }
  const shape = value.replace(/[\p{L}\p{N}]/gu, '*');
  return shape.length > MAX_PREVIEW ? `${shape.slice(0, MAX_PREVIEW - 1)}…` : shape;
}
