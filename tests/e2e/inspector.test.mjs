// The MCP Inspector CLI (2.12, needs Node >= 22.19) drives the server over stdio. Exit codes:
// 0 ok, 1 usage, 4 unreachable, 5 tool error (unknown tool or an isError result).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { assertBinary, BIN, E2E_DIR, NODE22 } from "./lib/server.mjs";

const LAUNCHER = path.join(E2E_DIR, "node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js");
let home;

before(() => {
  assertBinary();
  assert.ok(existsSync(NODE22), `Node 22 not installed at ${NODE22} (run npm ci in tests/e2e)`);
  assert.ok(existsSync(LAUNCHER), `Inspector not installed at ${LAUNCHER}`);
  home = mkdtempSync(path.join(os.tmpdir(), "omm-e2e-inspector-home-"));
});

after(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

function lastJsonLine(text) {
  const lines = text.trim().split("\n").filter((l) => l.startsWith("{"));
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      return JSON.parse(lines[i]);
    } catch {
      /* keep looking */
    }
  }
  return undefined;
}

// Runs the Inspector CLI against `BIN serve --conformance-fixtures`; resolves
// { code, stdout, stderr, error } where error is the CLI's {"error":{…}} object from stderr.
function inspector(args, { serverArgs = ["serve", "--conformance-fixtures"] } = {}) {
  const argv = [LAUNCHER, "--cli", "--format", "json", "-q", BIN, ...serverArgs, ...args];
  return new Promise((resolve) => {
    execFile(
      NODE22,
      argv,
      { env: { ...process.env, HOME: home }, timeout: 60000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr, error: lastJsonLine(stderr)?.error });
      },
    );
  });
}

describe("MCP Inspector CLI over stdio", () => {
  test("tools/list lists the fixtures, every tool with a description and an object inputSchema", async () => {
    const r = await inspector(["--method", "tools/list"]);
    assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
    const tools = JSON.parse(r.stdout).result.tools;
    const names = tools.map((t) => t.name);
    assert.ok(names.includes("test_simple_text"), `test_simple_text missing from ${names}`);
    for (const t of tools) {
      assert.equal(typeof t.description, "string", `${t.name}: no description`);
      assert.equal(t.inputSchema?.type, "object", `${t.name}: inputSchema.type`);
    }
  });

  test("tools/call test_simple_text returns its text block", async () => {
    const r = await inspector(["--method", "tools/call", "--tool-name", "test_simple_text"]);
    assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
    const result = JSON.parse(r.stdout).result;
    assert.ok(!result.isError);
    assert.ok(result.content.some((c) => c.type === "text" && c.text.length > 0));
  });

  test("tools/call with --tool-args-json reaches the tool (test_slow_operation)", async () => {
    const r = await inspector([
      "--method",
      "tools/call",
      "--tool-name",
      "test_slow_operation",
      "--tool-args-json",
      '{"duration_ms":100}',
    ]);
    assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
    const result = JSON.parse(r.stdout).result;
    assert.equal(result.structuredContent?.success, true);
  });

  test("an unknown tool exits 5 with tool_not_found", async () => {
    const r = await inspector(["--method", "tools/call", "--tool-name", "no_such_tool_e2e"]);
    assert.equal(r.code, 5, `exit ${r.code}; stdout: ${r.stdout} stderr: ${r.stderr}`);
    assert.equal(r.error?.code, "tool_not_found", r.stderr);
  });

  test("an isError result (test_error_handling) exits 5 with tool_is_error", async () => {
    const r = await inspector(["--method", "tools/call", "--tool-name", "test_error_handling"]);
    assert.equal(r.code, 5, `exit ${r.code}; stdout: ${r.stdout} stderr: ${r.stderr}`);
    assert.equal(r.error?.code, "tool_is_error", r.stderr);
  });

  test("resources/read and prompts/get work", async () => {
    const res = await inspector(["--method", "resources/read", "--uri", "test://static-text"]);
    assert.equal(res.code, 0, `exit ${res.code}; stderr: ${res.stderr}`);
    assert.equal(JSON.parse(res.stdout).result.contents[0].uri, "test://static-text");
    const pr = await inspector(["--method", "prompts/get", "--prompt-name", "test_simple_prompt"]);
    assert.equal(pr.code, 0, `exit ${pr.code}; stderr: ${pr.stderr}`);
    assert.ok(JSON.parse(pr.stdout).result.messages.length > 0);
  });

  test("without --conformance-fixtures, tools/list succeeds and shows no fixture", async () => {
    const r = await inspector(["--method", "tools/list"], { serverArgs: ["serve"] });
    assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
    const names = JSON.parse(r.stdout).result.tools.map((t) => t.name);
    assert.ok(!names.includes("test_simple_text"), "fixture listed without the flag");
  });
});
