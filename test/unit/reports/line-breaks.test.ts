import { describe, expect, it } from 'vitest';
import { isWord, tokenPieces, wrapLines } from '../../../functions/reports/formats/line-breaks.ts';

/** One unit per character: widths in characters. */
const chars = (text: string) => text.length;

describe('where report text may break', () => {
  it('wraps at word boundaries; only a word wider than the whole line is cut, as a last resort', () => {
    expect(wrapLines('the approver granted it', 10, chars)).toEqual(['the', 'approver', 'granted it']);
    // Table columns are made at least as wide as their longest word, so this does not occur in a report.
    expect(wrapLines('model while retraining', 8, chars)).toEqual(['model', 'while', 'retraini', 'ng']);
  });

  it('breaks an identifier longer than the line after / : - _ . or in chunks of eight', () => {
    expect(tokenPieces('arn:aws:sagemaker:eu-west-1:1/cv-ranker/2')).toEqual([
      'arn:',
      'aws:',
      'sagemaker:',
      'eu-',
      'west-',
      '1:',
      '1/',
      'cv-',
      'ranker/',
      '2',
    ]);
    expect(tokenPieces('3c9bcfc57bee1ac26ef0036b')).toEqual(['3c9bcfc5', '7bee1ac2', '6ef0036b']);
    expect(tokenPieces('bias.disparate_impact')).toEqual(['bias.', 'disparate_', 'impact']);
    expect(wrapLines('ledger #17 s3://governance/cv-ranker/profile.json', 20, chars)).toEqual([
      'ledger #17 s3://',
      'governance/cv-',
      'ranker/profile.json',
    ]);
  });

  it('keeps the characters of an identifier and its existing line breaks', () => {
    const text = 'a 2026-11-05T00:00:00.000Z\nsecond line';
    expect(wrapLines(text, 12, chars).join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
    expect(wrapLines(text, 40, chars)).toEqual(['a 2026-11-05T00:00:00.000Z', 'second line']);
  });

  it('tells words from identifiers', () => {
    expect(isWord('approver')).toBe(true);
    expect(isWord('(approver),')).toBe(true);
    expect(isWord('jane.doe')).toBe(false);
    expect(isWord('cv-ranker')).toBe(false);
  });
});
