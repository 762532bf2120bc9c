/**
 * Writes the credit scorer's sample training data, deterministically (a fixed-seed generator): one row per
 * applicant with a subject key (applicant_id), an e-mail address at a made-up domain (personal data, declared; the PII scanner finds it), the facet
 * (gender), a group attribute (region) and the label (approved). The committed sample is
 * functions/local/demo/samples/credit-applications.csv (300 rows); `--rows N --out FILE` writes a larger one
 * for throughput figures.
 *
 *   npx tsx scripts/generate-credit-applications.ts [--rows 300] [--out FILE]
 */
import { createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '300' },
    out: { type: 'string', default: join(root, 'functions/local/demo/samples/credit-applications.csv') },
  },
});
const rows = Number(values.rows);
if (!Number.isSafeInteger(rows) || rows < 1)
  throw new Error(`--rows must be a positive integer, got ${values.rows}`);

/** Mulberry32: small, fast, and the same sequence everywhere for a seed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = generator(20261208);
const regions = ['north', 'south', 'east', 'west'];
const out = createWriteStream(values.out);
out.write('applicant_id,email,gender,region,age_band,income,loan_amount,approved\n');
for (let i = 1; i <= rows; i++) {
  const id = `APP-${String(i).padStart(7, '0')}`;
  const gender = random() < 0.48 ? 'female' : 'male';
  const region = regions[Math.floor(random() * regions.length)] as string;
  const ageBand = ['18-25', '26-40', '41-60', '61+'][Math.floor(random() * 4)] as string;
  const income = Math.round(18_000 + random() * 70_000);
  const loan = Math.round(1_000 + random() * 30_000);
  const score = income / 90_000 - loan / 60_000 + (random() - 0.5) * 0.5 - (gender === 'female' ? 0.02 : 0);
  const approved = score > 0.2 ? 1 : 0;
  out.write(
    `${id},applicant${i}@mail.credit-demo.eu,${gender},${region},${ageBand},${income},${loan},${approved}\n`,
  );
}
out.end();
out.on('finish', () => console.error(`wrote ${rows} rows to ${values.out}`));
