// Malformed and unexpected input over a raw stdio pipe. One server process takes all of it in
// order, and must keep answering ping and keep stdout to JSON-RPC lines only.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";

import { assertBinary, BIN, collect, sleep, stopProcess, waitFor } from "./lib/server.mjs";

class RawStdio {
  constructor(args) {
    this.proc = spawn(BIN, args, { stdio: ["pipe", "pipe", "pipe"] });
    this.messages = [];
    this.badLines = [];
    this.stderr = collect(this.proc.stderr);
    this.proc.stdin.on("error", () => {}); // EPIPE if the server dies; the tests report that
    let buf = "";
    this.proc.stdout.setEncoding("utf8");
    this.proc.stdout.on("data", (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          this.messages.push(JSON.parse(line));
        } catch {
          this.badLines.push(line.slice(0, 200));
        }
      }
    });
    this.proc.stdout.on("end", () => {
      if (buf.length) this.badLines.push(`(unterminated) ${buf.slice(0, 200)}`);
    });
  }

  send(msg) {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
      const how = this.proc.signalCode ?? `code ${this.proc.exitCode}`;
      return Promise.reject(new Error(`server exited (${how}); stderr tail: ${this.stderr.text.slice(-500)}`));
    }
    const line = typeof msg === "string" ? msg : JSON.stringify(msg);
    return new Promise((resolve, reject) =>
      this.proc.stdin.write(line + "\n", (err) => (err ? reject(err) : resolve())),
    );
  }

  // Waits for the first message at index >= from that satisfies pred.
  async next(pred, { from = 0, timeoutMs = 5000 } = {}) {
    const found = await waitFor(() => this.messages.slice(from).find(pred), timeoutMs, 5);
    if (!found) {
      const alive = this.proc.exitCode === null && this.proc.signalCode === null;
      throw new Error(
        `no matching message within ${timeoutMs} ms (server ${alive ? "alive" : "exited"}); ` +
          `got since: ${JSON.stringify(this.messages.slice(from)).slice(0, 500)}; stderr tail: ${this.stderr.text.slice(-500)}`,
      );
    }
    return found;
  }

  // Sends a request and waits for the response carrying its id.
  async call(msg, opts) {
    const from = this.messages.length;
    await this.send(msg);
    return this.next((m) => m.id === msg.id && !m.method, { from, ...opts });
  }

  // Sends a raw line and waits for the first error response with id null (or the given id).
  async expectError(line, ids = [null], opts) {
    const from = this.messages.length;
    await this.send(line);
    return this.next((m) => m.error && !m.method && ids.some((id) => m.id === id || (id === null && m.id === undefined)), {
      from,
      ...opts,
    });
  }

  async ping(id) {
    const r = await this.call({ jsonrpc: "2.0", id, method: "ping" });
    assert.deepEqual(r.result, {}, `ping ${id}: ${JSON.stringify(r)}`);
  }
}

describe("stdio robustness (raw pipe)", () => {
  let s;

  before(() => {
    assertBinary();
    s = new RawStdio(["serve", "--conformance-fixtures"]);
  });

  after(async () => {
    if (s) await stopProcess(s.proc);
  });

  test("a request before initialize gets an error; ping is allowed", async () => {
    const r = await s.call({ jsonrpc: "2.0", id: "early-1", method: "tools/list" });
    assert.ok(r.error, `expected an error, got ${JSON.stringify(r)}`);
    assert.ok(Number.isInteger(r.error.code));
    await s.ping("early-ping");
  });

  test("initialize with id 0 negotiates 2025-11-25", async () => {
    const r = await s.call({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
    });
    assert.equal(r.result?.protocolVersion, "2025-11-25", JSON.stringify(r));
    await s.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    await s.ping(1);
  });

  test("bad JSON gets -32700 with id null", async () => {
    const r = await s.expectError('{"jsonrpc":"2.0","id":2,"method":');
    assert.equal(r.error.code, -32700, JSON.stringify(r));
    assert.equal(r.id, null, "parse error must carry id null");
  });

  test("id: {} gets -32600", async () => {
    const r = await s.expectError('{"jsonrpc":"2.0","id":{},"method":"ping"}');
    assert.equal(r.error.code, -32600, JSON.stringify(r));
  });

  test("method: 5 gets -32600", async () => {
    const r = await s.expectError('{"jsonrpc":"2.0","id":3,"method":5}', [null, 3]);
    assert.equal(r.error.code, -32600, JSON.stringify(r));
  });

  test("a message that is not an object gets -32600", async () => {
    const r = await s.expectError("42");
    assert.equal(r.error.code, -32600, JSON.stringify(r));
  });

  test("a 20 MB line gets an error and the server survives", async () => {
    const pad = "x".repeat(20 * 1024 * 1024);
    const line = JSON.stringify({
      jsonrpc: "2.0",
      id: "big",
      method: "tools/call",
      params: { name: "test_simple_text", arguments: { pad } },
    });
    const r = await s.expectError(line, [null, "big"], { timeoutMs: 20000 });
    assert.ok(Number.isInteger(r.error.code), JSON.stringify(r));
    await s.ping("after-big");
  });

  test("an unknown method gets -32601 with its id", async () => {
    const r = await s.call({ jsonrpc: "2.0", id: 4, method: "no/such/method" });
    assert.equal(r.error?.code, -32601, JSON.stringify(r));
  });

  test("unknown notifications and responses to unknown ids are ignored", async () => {
    const from = s.messages.length;
    await s.send({ jsonrpc: "2.0", method: "notifications/no_such_notification" });
    await s.send({ jsonrpc: "2.0", id: "nobody-asked", result: {} });
    await s.send({ jsonrpc: "2.0", id: 987654, error: { code: -32000, message: "nobody asked either" } });
    await s.send({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: "never-sent" } });
    await sleep(300);
    assert.deepEqual(s.messages.slice(from), [], "the server answered something it must ignore");
  });

  test("the server keeps answering ping after all of the above", async () => {
    for (let i = 0; i < 5; i++) await s.ping(`final-${i}`);
    assert.equal(s.proc.exitCode, null, "server exited");
  });

  test("stdout carried only JSON-RPC 2.0 lines", () => {
    assert.deepEqual(s.badLines, [], "non-JSON lines on stdout");
    for (const m of s.messages) assert.equal(m.jsonrpc, "2.0", `not JSON-RPC 2.0: ${JSON.stringify(m)}`);
  });

  test("stdin EOF makes the server exit cleanly", async () => {
    const exited = new Promise((resolve) => s.proc.once("exit", (code, signal) => resolve({ code, signal })));
    s.proc.stdin.end();
    const r = await Promise.race([exited, sleep(3000).then(() => null)]);
    assert.ok(r, "server still running 3 s after stdin EOF");
    assert.equal(r.code, 0, `exit ${JSON.stringify(r)}`);
  });
});
