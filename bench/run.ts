/** `npm run bench`: every benchmark in turn; each prints a table and writes bench/results/<name>.json. */
import './quiet.ts';
import { runApiQuery } from './api-query.ts';
import { runBiasMetrics } from './bias-metrics.ts';
import { runCliStartup } from './cli-startup.ts';
import { runDeploymentGate } from './deployment-gate.ts';
import { runDeploymentSaga } from './deployment-saga.ts';
import { runLambdaBundles } from './lambda-bundles.ts';
import { runLedger } from './ledger.ts';
import { runPiiScan } from './pii-scan.ts';
import { runPolicyEvaluation } from './policy-evaluation.ts';
import { runReports } from './reports.ts';
import { machine } from './support.ts';

const m = machine();
console.log(
  `verdict benchmarks: ${m.cpuCount} x ${m.cpuModel}, node ${m.node}, ${m.os}, load ${m.loadAverage.join(' ')}\n`,
);
const started = process.hrtime.bigint();
await runPolicyEvaluation();
console.log();
await runDeploymentGate();
console.log();
await runDeploymentSaga();
console.log();
const bundlesOk = await runLambdaBundles();
console.log();
await runLedger();
console.log();
await runBiasMetrics();
console.log();
await runPiiScan();
console.log();
await runReports();
console.log();
await runApiQuery();
console.log();
await runCliStartup();
console.log(`\nbenchmarks done in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
if (!bundlesOk) process.exitCode = 1;
