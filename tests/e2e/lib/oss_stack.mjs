// The oss backend against `oss-media-mcp emulate`, shared by oss_faults.test.mjs and
// oss_leak.test.mjs: a scratch work directory W (W/media is the emulated bucket "media", objects
// are its files; W/outputs, W/inputs; W/home the server's HOME, so its cleanup journal is
// W/home/.local/state/oss-media-mcp/oss-cleanup.json; the server runs in W), the emulator with fault flags, a stdio server
// on it through the official SDK client that records every JSON-RPC message the client receives
// and the server's whole stderr, and an ali-oss client for independent checks
// (ListMultipartUploads). Everything binds 127.0.0.1.
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import OSS from "ali-oss";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

import { BIN, assertBinary, startEmulate, stopProcess } from "./server.mjs";
import { scratch } from "./local_media.mjs";

export const BUCKET = "media";
export const PROJECT = "p1";

// scratch() plus the bucket folder, the outputs and a HOME.
export function ossScratch(prefix) {
  const s = scratch(prefix);
  for (const d of [s.root, s.outputs, path.join(s.work, "home")]) mkdirSync(d, { recursive: true });
  return { ...s, home: path.join(s.work, "home"), journal: path.join(s.work, "home", ".local", "state", "oss-media-mcp", "oss-cleanup.json") };
}

// The whole text of a stream (unbounded: the leak test reads every byte).
function drain(stream) {
  const box = { text: "" };
  stream.setEncoding("utf8");
  stream.on("data", (d) => { box.text += d; });
  return box;
}

// `emulate --root W` with these credentials and extra flags (stderr kept whole: the leak test
// reads every byte): { proc, base, stderr, stop() }.
export function startEmulator(s, { ak, sk, token, extra = [] }) {
  return startEmulate({
    root: s.work, ak, sk, token, extra, stderrLimit: Infinity,
    env: { PATH: process.env.PATH, HOME: s.home, ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true",
           ...(process.env.OMM_ENGINE_DIR ? { OMM_ENGINE_DIR: process.env.OMM_ENGINE_DIR } : {}) },
  });
}

// `serve --backend oss` on the emulator through the SDK client. `messages` holds every JSON-RPC
// message the client received (the initialize answer included), `stderr.text` the server's log.
// Returns { client, messages, stderr, call(name, args, options), close() }.
export async function startOssServer(s, emu, { ak, sk, token, extra = [], logLevel = "debug" }) {
  assertBinary();
  const env = {
    PATH: process.env.PATH, HOME: s.home,
    ALIBABA_CLOUD_ACCESS_KEY_ID: ak, ALIBABA_CLOUD_ACCESS_KEY_SECRET: sk,
    ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true",
    ...(token ? { ALIBABA_CLOUD_SECURITY_TOKEN: token } : {}),
    ...(process.env.OMM_ENGINE_DIR ? { OMM_ENGINE_DIR: process.env.OMM_ENGINE_DIR } : {}),
  };
  const transport = new StdioClientTransport({
    command: BIN,
    args: ["serve", "--backend", "oss", "--bucket", BUCKET, "--endpoint", emu.base, "--imm-endpoint", emu.base,
           "--imm-project", PROJECT, "--root", path.join(s.work, "local-root"), "--output-dir", s.outputs,
           "--input-dir", s.inputs, "--log-level", logLevel, ...extra],
    env, cwd: s.work, stderr: "pipe",
  });
  const stderr = drain(transport.stderr);
  const messages = [];
  // The client installs its handler at connect(); every message passes through this one first.
  let inner;
  Object.defineProperty(transport, "onmessage", {
    configurable: true,
    get: () => inner && ((m) => inner(m)),
    set: (fn) => { inner = (m) => { messages.push(m); fn(m); }; },
  });
  const client = new Client({ name: "oss-media-mcp-e2e-oss", version: "0.0.1" });
  await client.connect(transport);
  const call = (name, args, options = {}) =>
    client.callTool({ name, arguments: args }, undefined, { timeout: 150000, ...options });
  return { client, transport, messages, stderr, call, close: () => client.close() };
}

// An ali-oss client of the emulator (V4), for checks that do not go through the server.
export function ossClient(emu, { ak, sk, token }) {
  return new OSS({ accessKeyId: ak, accessKeySecret: sk, stsToken: token, bucket: BUCKET, region: "oss-cn-hangzhou",
                   endpoint: emu.base, secure: false, authorizationV4: true, timeout: 30000 });
}

// Every file under dir, as paths relative to it.
export function filesUnder(dir) {
  const out = [];
  const walk = (d, rel) => {
    let names;
    try { names = readdirSync(d); } catch { return; }
    for (const n of names) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p, rel ? `${rel}/${n}` : n);
      else out.push(rel ? `${rel}/${n}` : n);
    }
  };
  walk(dir, "");
  return out;
}

// "[id] message" of an error result, or null.
export const errorText = (r) => (r.isError && r.content?.[0]?.type === "text" ? r.content[0].text : null);
export const CLEAR_ERROR = /^\[[a-z_.A-Z0-9]+\] .+/s;

export function assertOk(r, what) {
  assert.ok(!r.isError, `${what}: ${JSON.stringify(r.content)}`);
  assert.equal(r.structuredContent?.success, true, `${what}: ${JSON.stringify(r.structuredContent)}`);
  return r.structuredContent;
}
