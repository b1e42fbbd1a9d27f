// Starts `freshwatch demo` for the end-to-end tests and stops it afterwards.
// The binary is ../build/release/freshwatch (FRESHWATCH_BIN overrides it). When it is missing the
// tests are skipped with a message saying how to build it. FRESHWATCH_E2E_BASE_URL points the tests
// at a server that is already running instead; FRESHWATCH_E2E_FAKE=1 starts e2e/fake-api.mjs (which
// serves web/dist: build it first) in place of the binary, for the pages the demo cannot show yet.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

async function waitReady(base: string, child: ChildProcess, logFile: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`freshwatch demo exited with ${child.exitCode}:\n${readFileSync(logFile, 'utf8').slice(-4000)}`);
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.status === 200) return;
      last = `readyz ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`freshwatch demo was not ready within ${timeoutMs / 1000} s (${last}):\n${readFileSync(logFile, 'utf8').slice(-4000)}`);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.FRESHWATCH_E2E_BASE_URL) return async () => {};

  const dir = mkdtempSync(join(tmpdir(), 'freshwatch-e2e-'));
  const port = await freePort();
  let command: string;
  let args: string[];
  if (process.env.FRESHWATCH_E2E_FAKE) {
    command = process.execPath;
    args = [fileURLToPath(new URL('./fake-api.mjs', import.meta.url)), '--port', String(port)];
  } else {
    const bin = resolve(process.env.FRESHWATCH_BIN ?? fileURLToPath(new URL('../../build/release/freshwatch', import.meta.url)));
    if (!existsSync(bin)) {
      const why = `end-to-end tests skipped: ${bin} is missing; build it first with \`make build\` (from the repository root)`;
      console.warn(why);
      process.env.FRESHWATCH_E2E_SKIP = why;
      rmSync(dir, { recursive: true, force: true });
      return async () => {};
    }
    command = bin;
    args = ['demo', '--dir', join(dir, 'demo'), '--listen', `127.0.0.1:${port}`];
  }

  const base = `http://127.0.0.1:${port}`;
  const logFile = join(dir, 'freshwatch.log');
  const log = openSync(logFile, 'a');
  const child = spawn(command, args, {
    stdio: ['ignore', log, log],
    env: { ...process.env },
  });
  closeSync(log);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(base, child, logFile);
  } catch (e) {
    await stop();
    throw e;
  }
  process.env.FRESHWATCH_E2E_BASE_URL = base;
  return stop;
}
