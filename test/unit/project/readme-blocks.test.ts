import { describe, expect, it } from 'vitest';
import { markdownBlocks, sampleMismatch, textSampleMismatch } from '../../support/readme-blocks.ts';

describe('README blocks and their markers', () => {
  it('reads each fenced block with the marker on the line before it', () => {
    const blocks = markdownBlocks(
      [
        '<!-- expect-exit: 3 -->',
        '```sh',
        'npx verdict gate',
        '```',
        'text',
        '<!-- not-run: needs an AWS account -->',
        '```bash',
        'cdk deploy',
        '```',
        '```json',
        '{}',
        '```',
      ].join('\n'),
    );
    expect(blocks).toEqual([
      { line: 2, lang: 'sh', body: 'npx verdict gate\n', expectExit: 3 },
      { line: 7, lang: 'bash', body: 'cdk deploy\n', notRun: 'needs an AWS account' },
      { line: 10, lang: 'json', body: '{}\n' },
    ]);
  });
});

describe('a shortened sample against real output', () => {
  const actual = {
    id: 'x1',
    decision: 'deny',
    violations: [{ rule: 'a' }, { rule: 'b' }, { rule: 'c' }],
    extra: 1,
  };

  it('accepts "…" for any value, any run of elements or any text, and leaves out keys', () => {
    expect(
      sampleMismatch({ id: '…', decision: 'deny', violations: ['…', { rule: 'b' }, '…'] }, actual),
    ).toBeUndefined();
    expect(sampleMismatch({ decision: 'd…' }, actual)).toBeUndefined();
  });

  it('names the first difference', () => {
    expect(sampleMismatch({ decision: 'allow' }, actual)).toBe('$.decision: "deny" does not match "allow"');
    expect(sampleMismatch({ missing: 1 }, actual)).toBe('$.missing: missing');
    expect(sampleMismatch({ violations: [{ rule: 'a' }] }, actual)).toBe('$.violations: 2 more elements');
    expect(sampleMismatch({ violations: ['…', { rule: 'z' }] }, actual)).toMatch(
      /^\$\.violations: no elements match/,
    );
    expect(sampleMismatch({ decision: 'deny', id: '…' }, actual)).toBe('$: keys in the order id, decision');
  });

  it('matches text samples line by line, in order, "..." standing for any text', () => {
    const output = 'head\n  decision 1234\n  x bias.di [high] DI < 0.8\ntail: 9 entries\n';
    expect(textSampleMismatch('head\n  x bias.di [high] ...\ntail: 9 entries\n', output)).toBeUndefined();
    expect(textSampleMismatch('tail: 9 entries\nhead\n', output)).toMatch(/no line of the output/);
    expect(textSampleMismatch('tail: 8 entries\n', output)).toMatch(/"tail: 8 entries"/);
  });
});
