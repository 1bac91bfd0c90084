// Start one of the fakes for an SDK test: --port 0, read the "listening on" line, stop it.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');
const binDir = process.env.BIN
  ? path.resolve(process.env.BIN)
  : path.resolve(here, '..', '..', '..', 'build', 'asan', 'bin');

export async function startFake(name, args = []) {
  const child = spawn(path.join(binDir, name), ['--port', '0', '--log-level', 'warn', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: repoRoot, // default paths (fake_supabase/schema.sql) are relative to the repository
  });
  const rl = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening`)));
    rl.once('line', (line) => {
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolve(m[1]);
      else reject(new Error(`${name}: unexpected first line: ${line}`));
    });
  });
  return {
    url,
    async admin(method, p, body) {
      const res = await fetch(url + p, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const done = new Promise((resolve) => child.once('exit', (code, sig) => resolve(sig ? -1 : code)));
      child.kill('SIGTERM');
      return done;
    },
  };
}
