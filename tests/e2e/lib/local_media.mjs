// Shared by the local-backend tool tests (local_backend, local_image_tools, local_media_tools):
// a scratch root/outputs/inputs layout, a stdio server on it through the official SDK client,
// call helpers, and independent checks — vipsheader, ffprobe and pixels decoded by ffmpeg —
// so that no assertion rests on the server's own report.
//
// OMM_E2E_BACKEND=oss runs the same tests on the oss backend: startServer() then starts
// `oss-media-mcp emulate` (127.0.0.1, port 0, its own random credentials) with the scratch `work`
// directory as its root, so bucket "media" is exactly `s.root` and object `k` is the file `s.at(k)`;
// the server talks to it with `--backend oss` and imm_setup attaches the bucket to a project.
import assert from "node:assert/strict";
import { test } from "node:test";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

import { BIN, assertBinary, collect, startEmulate, stopProcess } from "./server.mjs";

// The backend under test: "local" (default) or "oss" (against the emulator).
export const BACKEND = process.env.OMM_E2E_BACKEND === "oss" ? "oss" : "local";
export const OSS = BACKEND === "oss";
export const BUCKET = "media";
export const IMM_PROJECT = "e2e-project";

// The OpenCV fixture maker built next to the server (tests/engine/vision_fixtures.cpp).
export const FIXTURES = process.env.OMM_VISION_FIXTURES
  ? path.resolve(process.env.OMM_VISION_FIXTURES)
  : path.resolve(path.dirname(BIN), "../tests/engine/vision-fixtures");

// --- independent tools -------------------------------------------------------------------------
export const sh = (cmd, args) => execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
export const ffmpeg = (...args) => sh("ffmpeg", ["-v", "error", "-y", ...args]);
export const vipsheader = (file, field) => sh("vipsheader", ["-f", field, file]);
// One vipsheader call: { w, h, bands, loader }.
export function header(file) {
  const line = sh("vipsheader", [file]);
  const m = /: (\d+)x(\d+) \w+, (\d+) bands?, \S+, (\w+)/.exec(line);
  assert.ok(m, line);
  return { w: Number(m[1]), h: Number(m[2]), bands: Number(m[3]), loader: m[4] };
}
export const dims = (file) => {
  const h = header(file);
  return [h.w, h.h];
};
export const probe = (file) =>
  JSON.parse(sh("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file]));
export const video = (p) => p.streams.find((s) => s.codec_type === "video");
export const audio = (p) => p.streams.find((s) => s.codec_type === "audio");
export const frameCount = (file) =>
  Number(sh("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames",
                        "-of", "csv=p=0", file]));
export const near = (actual, expected, tolerance, what) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} ± ${tolerance}`);

// RGBA pixels of a still image decoded by ffmpeg (one call, as PAM): { w, h, data, at(x, y) }.
export function pixels(file) {
  const out = execFileSync("ffmpeg", ["-v", "error", "-i", file, "-frames:v", "1", "-f", "image2pipe", "-c:v", "pam",
                                      "-pix_fmt", "rgba", "-"],
                         { maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] });
  const end = out.indexOf("ENDHDR\n");
  const head = out.subarray(0, end).toString("latin1");
  const w = Number(/WIDTH (\d+)/.exec(head)[1]);
  const h = Number(/HEIGHT (\d+)/.exec(head)[1]);
  const data = out.subarray(end + 7);
  assert.equal(data.length, w * h * 4, `decoded size of ${file}`);
  return { w, h, data, at: (x, y) => [...data.subarray((y * w + x) * 4, (y * w + x) * 4 + 4)] };
}
export const luma = ([r, g, b]) => 0.299 * r + 0.587 * g + 0.114 * b;
// Mean luma, its standard deviation and the mean squared luma gradient (edge energy).
export function stats(file) {
  const p = pixels(file);
  const n = p.w * p.h;
  const y = new Float64Array(n);
  let sum = 0, sq = 0, grad = 0;
  for (let i = 0; i < n; i++) {
    y[i] = luma([p.data[4 * i], p.data[4 * i + 1], p.data[4 * i + 2]]);
    sum += y[i];
    sq += y[i] * y[i];
  }
  for (let r = 0; r < p.h - 1; r++) {
    for (let c = 0; c < p.w - 1; c++) {
      const i = r * p.w + c;
      grad += (y[i + 1] - y[i]) ** 2 + (y[i + p.w] - y[i]) ** 2;
    }
  }
  return { mean: sum / n, sd: Math.sqrt(sq / n - (sum / n) ** 2), grad: grad / ((p.w - 1) * (p.h - 1)) };
}
// The first three channels of a and b agree within tolerance.
export const close = (a, b, tolerance, what) => a.slice(0, 3).forEach((v, i) => near(v, b[i], tolerance, `${what} channel ${i}`));

// --- the server and its calls ----------------------------------------------------------------------
// A scratch layout: { work, root, outputs, inputs, at(key), inp(name) }.
export function scratch(prefix) {
  const work = mkdtempSync(path.join(os.tmpdir(), prefix));
  const dirs = { work, root: path.join(work, "media"), outputs: path.join(work, "outputs"), inputs: path.join(work, "inputs") };
  mkdirSync(dirs.inputs, { recursive: true });
  return { ...dirs, at: (key) => path.join(dirs.root, key), inp: (name) => path.join(dirs.inputs, name) };
}

// `emulate` on s.work (bucket folders: s.root is bucket "media"), bound 127.0.0.1:0, with fresh
// credentials. Resolves with { proc, base, ak, sk, stderr }.
async function startEmulator(s, extra) {
  const ak = `e2e-ak-${randomBytes(6).toString("hex")}`;
  const sk = randomBytes(18).toString("base64url");
  // An STS token with + / = (the emulator requires it on every request).
  const token = `STS.${randomBytes(9).toString("hex")}+${randomBytes(6).toString("hex")}/${randomBytes(6).toString("hex")}==`;
  mkdirSync(s.root, { recursive: true }); // AttachOSSBucket needs the bucket to exist
  const emu = await startEmulate({ root: s.work, ak, sk, token, extra });
  return { ...emu, ak, sk, token };
}

// oss mode: the battery's last test — everything the client received and the server logged so
// far holds no planted credential or signing parameter (a test, not an after hook: node:test does
// not fail a run for a failing hook).
export function leakTest(getClient) {
  if (!OSS) return;
  test("oss: no planted credential (STS token with + / =) or signing parameter in any message or server log line", () => {
    const c = getClient();
    assert.ok(c?.leakCheck, "the oss server of this battery");
    c.leakCheck();
  });
}

// The leak check of the oss battery (issue #5): none of the planted credential values — raw,
// percent-encoded (either hex case, twice), "+" read as a space, JSON-escaped — and no signing
// parameter with a value appears in any message the client received or any server log line.
export function assertNoLeak(texts, { ak, sk, token }) {
  const forms = new Set();
  for (const v of [ak, sk, token]) {
    const enc = encodeURIComponent(v);
    for (const f of [v, enc, enc.toLowerCase(), encodeURIComponent(enc), v.replace(/\+/g, " "), JSON.stringify(v).slice(1, -1)]) forms.add(f);
  }
  const params = [/x-oss-signature=[^<&\s"]/i, /x-oss-credential=[^<&\s"]/i, /[?&]Signature=[^<&\s"]/, /OSSAccessKeyId=[^<&\s"]/,
                  /security-token=[^<&\s"]/i, /OSS4-HMAC-SHA256 Credential=[^<]/, /ACS3-HMAC-SHA256 Credential=[^<]/];
  for (const [where, text] of texts) {
    for (const f of forms) assert.ok(!text.includes(f), `a planted credential value appears in ${where}`);
    for (const re of params) assert.ok(!re.test(text), `${re} matches in ${where}: ${text.match(re)?.[0]}`);
  }
}

// A connected SDK client to `serve` on the scratch layout, with these extra arguments. In oss
// mode `--watermark-key` goes to the emulator too (it runs the engines that embed and extract);
// client.emulator is then the emulator, stopped by client.close() — unless `emulator` (an
// earlier client's) is given to be shared, e.g. by a server restarted after a kill.
// client.serverPid is the server process. The server's state directory is <work>/state.
// `capabilities`: the client's (e.g. { roots: { listChanged: true } }); default none.
export async function startServer(s, extra = [], { emulator, capabilities } = {}) {
  assertBinary();
  const client = new Client({ name: "oss-media-mcp-e2e-tools", version: "0.0.1" }, capabilities ? { capabilities } : undefined);
  const env = { PATH: process.env.PATH, XDG_STATE_HOME: path.join(s.work, "state") };
  if (process.env.OMM_ENGINE_DIR) env.OMM_ENGINE_DIR = process.env.OMM_ENGINE_DIR;
  if (!OSS) {
    const transport = new StdioClientTransport({
      command: BIN, args: ["serve", "--root", s.root, "--output-dir", s.outputs, "--input-dir", s.inputs, ...extra],
      stderr: "pipe", env });
    await client.connect(transport);
    client.serverPid = transport.pid;
    return client;
  }
  const wk = extra.indexOf("--watermark-key");
  const emu = emulator ?? await startEmulator(s, wk >= 0 ? extra.slice(wk, wk + 2) : []);
  const home = path.join(s.work, ".home");
  mkdirSync(home, { recursive: true });
  Object.assign(env, { ALIBABA_CLOUD_ACCESS_KEY_ID: emu.ak, ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.sk,
                       ALIBABA_CLOUD_SECURITY_TOKEN: emu.token, ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true", HOME: home });
  const close = client.close.bind(client);
  client.emulator = emu;
  const received = []; // every JSON-RPC message the client receives, as text
  client.close = async () => {
    try {
      await close();
    } finally {
      if (!emulator) await stopProcess(emu.proc);
    }
  };
  client.leakCheck = () =>
    assertNoLeak([["the messages", received.join("\n")], ["the server log", client.serverStderr.text]], emu);
  const transport = new StdioClientTransport({
    command: BIN,
    args: ["serve", "--backend", "oss", "--bucket", BUCKET, "--endpoint", emu.base, "--imm-endpoint", emu.base,
           "--imm-project", IMM_PROJECT, "--output-dir", s.outputs, "--input-dir", s.inputs, "--log-level", "debug", ...extra],
    stderr: "pipe", env });
  client.serverStderr = collect(transport.stderr, 64 << 20); // drained: a full pipe would stall the server
  let handler;
  Object.defineProperty(transport, "onmessage", {
    get: () => handler && ((m) => { received.push(JSON.stringify(m)); handler(m); }),
    set: (h) => { handler = h; },
  });
  try {
    await client.connect(transport);
    client.serverPid = transport.pid;
    const setup = await client.callTool({ name: "imm_setup", arguments: { project: IMM_PROJECT } });
    assert.ok(!setup.isError, `imm_setup: ${JSON.stringify(setup.content)}`);
    assert.equal(setup.structuredContent.data.project, IMM_PROJECT);
    assert.equal(setup.structuredContent.data.bucket, BUCKET);
  } catch (e) {
    await client.close();
    throw new Error(`${e.message}\nserver stderr:\n${client.serverStderr.text.slice(-4000)}\n` +
                    `emulator stderr:\n${emu.stderr.text.slice(-4000)}`);
  }
  return client;
}

// Uploads every file of the inputs directory as in/<name>.
export async function uploadInputs(client, s) {
  for (const f of readdirSync(s.inputs)) {
    const r = await client.callTool({ name: "object_upload", arguments: { uri: s.inp(f), target_key: `in/${f}` } });
    assert.ok(!r.isError, JSON.stringify(r.content));
  }
}

export const raw = (client, name, args) => client.callTool({ name, arguments: args }, undefined, { timeout: 150000 });

// A successful call; an async tool that answers "running" is followed through job_status.
export async function call(client, name, args) {
  let r = await raw(client, name, args);
  assert.ok(!r.isError, `${name}: ${JSON.stringify(r.content)}`);
  let s = r.structuredContent;
  for (let i = 0; s.status === "running" && i < 10; i++) {
    assert.ok(s.job_id, "a running job names its job_id");
    r = await raw(client, "job_status", { job_id: s.job_id, wait_seconds: 60 });
    assert.ok(!r.isError, `job_status: ${JSON.stringify(r.content)}`);
    const j = r.structuredContent;
    s = j.result && typeof j.result === "object" ? { ...j, ...j.result, status: j.status } : j;
  }
  assert.equal(s.success, true, JSON.stringify(s));
  assert.equal(s.backend, BACKEND);
  if (s.status !== undefined) assert.equal(s.status, "succeeded", JSON.stringify(s));
  return s;
}

// An oss-backend url-mode result: no `url` (no --reveal-signed-urls), a `url_redacted` on the
// emulator without signature or credential, and a `resource_uri` whose contents are written to
// `file`. Returns `file`.
export async function urlResult(client, r, file) {
  assert.equal(r.mode, "url");
  assert.equal(r.url, undefined, "the signed URL is not returned");
  assert.ok(r.url_redacted.startsWith(`${client.emulator.base}/${BUCKET}/`), r.url_redacted);
  assert.match(r.url_redacted, /[?&]x-oss-signature=<redacted>(&|$)/);
  assert.match(r.url_redacted, /[?&]x-oss-credential=<redacted>(&|$)/);
  const text = JSON.stringify(r);
  assert.ok(!text.includes(client.emulator.ak) && !text.includes(client.emulator.sk), "no credential in the result");
  assert.match(r.resource_uri, /^oss-media:\/\/result\/[0-9a-f]+$/);
  const read = await client.readResource({ uri: r.resource_uri });
  assert.equal(read.contents.length, 1);
  const c = read.contents[0];
  writeFileSync(file, c.blob !== undefined ? Buffer.from(c.blob, "base64") : c.text);
  return file;
}

// Async tools wait up to 120 s for their job.
export const waited = (args) => ({ wait_seconds: 120, ...args });

// A refused call: { id, message } from its "[id] message" text.
export async function refused(client, name, args) {
  const r = await raw(client, name, args);
  assert.equal(r.isError, true, `${name} should fail: ${JSON.stringify(r.structuredContent)}`);
  const m = /^\[([^\]]+)\] (.*)$/s.exec(r.content[0].text);
  assert.ok(m, r.content[0].text);
  return { id: m[1], message: m[2] };
}

export function assertFixtures() {
  assert.ok(existsSync(FIXTURES), `vision-fixtures not found at ${FIXTURES} (build it, or set OMM_VISION_FIXTURES)`);
}
