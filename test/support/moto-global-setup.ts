/**
 * vitest globalSetup for the `integration` project: starts the AWS emulator (moto in server mode,
 * extended by tools/emulator/verdict_moto.py with SageMaker endpoint deployments) on a free loopback
 * port, hands its URL to the tests (`inject('motoEndpoint')`) and stops it afterwards.
 *
 * Set `MOTO_ENDPOINT` to reuse an emulator that is already running (e.g. a container in CI); then this
 * setup neither starts nor stops anything. It must be tools/emulator/verdict_moto.py for the SageMaker
 * endpoint tests (test/integration/emulator/); plain moto_server serves the others.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VENV_PYTHON = fileURLToPath(new URL('../../.venv/bin/python', import.meta.url));
const EMULATOR = fileURLToPath(new URL('../../tools/emulator/verdict_moto.py', import.meta.url));
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const START_ATTEMPTS = 3;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.MOTO_ENDPOINT;
  if (external) {
    await waitUntilReady(external, () => undefined);
    project.provide('motoEndpoint', external);
    return async () => {};
  }
  if (!existsSync(VENV_PYTHON)) {
    throw new Error(
      `AWS emulator not found at ${VENV_PYTHON}: run \`npm run setup\` (creates .venv with moto)`,
    );
  }
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      const { child, endpoint } = await startMoto();
      project.provide('motoEndpoint', endpoint);
      return () => stop(child);
    } catch (error) {
      lastError = error; // most likely the free port was taken between probing and binding: retry
    }
  }
  throw lastError;
}

async function startMoto(): Promise<{ child: ChildProcess; endpoint: string }> {
  const port = await freePort();
  const endpoint = `http://${HOST}:${port}`;
  const child = spawn(VENV_PYTHON, [EMULATOR, '-H', HOST, '-p', String(port)], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      PYTHONDONTWRITEBYTECODE: '1', // keep tools/emulator free of __pycache__
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000); // keep the tail: enough to explain a failed start
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });
  child.once('error', (error) => {
    exited = `failed to spawn: ${error.message}`;
  });
  try {
    await waitUntilReady(endpoint, () => exited);
  } catch (error) {
    await stop(child);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `AWS emulator did not start on ${endpoint}: ${reason}\n--- moto stderr ---\n${stderr.trim()}`,
    );
  }
  return { child, endpoint };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

async function waitUntilReady(endpoint: string, exitReason: () => string | undefined): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    const reason = exitReason();
    if (reason) throw new Error(`process ${reason}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no HTTP answer within ${START_TIMEOUT_MS} ms (last: ${lastError})`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
