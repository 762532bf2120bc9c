/** Who asked for a deployment: a person's identifier sealed under their key, roles and rules in clear. */
import { describe, expect, it } from 'vitest';
import { openLocalPersonalData } from '../../../functions/adapters/local/ledger/personal-data.ts';
import {
  namesAPerson,
  promotionRequester,
  sealRequester,
  withRequestersOpened,
} from '../../../functions/deployments/requested-by.ts';
import { deploymentRecord } from '../../support/deployment-records.ts';

const ROLE = 'arn:aws:iam::111122223333:role/ml-deployers';

describe('requested-by', () => {
  it('takes roles, service principals and promotion rules for no person, and anything else for one', () => {
    expect(namesAPerson(ROLE)).toBe(false);
    expect(namesAPerson('arn:aws-us-gov:iam::111122223333:role/path/deployers')).toBe(false);
    expect(namesAPerson('events.amazonaws.com')).toBe(false);
    expect(namesAPerson(promotionRequester('credit-scorer-prod'))).toBe(false);
    expect(promotionRequester('credit-scorer-prod')).toBe('promotion:credit-scorer-prod');
    for (const person of [
      'dan',
      'dan@example.com',
      'arn:aws:iam::111122223333:user/dan',
      'arn:aws:sts::111122223333:assumed-role/ml-deployers/dan',
      'https://idp.example.com|0a1b2c',
    ]) {
      expect(namesAPerson(person), person).toBe(true);
    }
  });

  it('seals a person under their key, keeps a role in clear, and opens both for a reader until forgotten', async () => {
    const { personal, close } = openLocalPersonalData();
    const sealed = await sealRequester('dan@example.com', personal);
    expect(sealed).toMatch(/^sealed:ps1\./);
    expect(sealed).not.toContain('dan');
    expect(await sealRequester(ROLE, personal)).toBe(ROLE);

    const records = [
      { ...deploymentRecord('d-1'), requestedBy: sealed },
      { ...deploymentRecord('d-2'), requestedBy: ROLE },
      deploymentRecord('d-3'),
    ];
    const opened = await withRequestersOpened(records, personal);
    expect(opened.map((d) => d.requestedBy)).toEqual(['dan@example.com', ROLE, undefined]);
    expect('requestedBy' in (opened[2] ?? {})).toBe(false);

    await personal.keys.destroy(personal.pseudonym('dan@example.com'));
    const erased = await withRequestersOpened(records, personal);
    expect(erased.map((d) => d.requestedBy)).toEqual([
      `erased (${personal.pseudonym('dan@example.com')})`,
      ROLE,
      undefined,
    ]);
    close();
  });
});
