// One suite of official-SDK client checks, run over stdio (sdk_stdio.test.mjs) and over
// Streamable HTTP (sdk_http.test.mjs). The transport-specific file supplies `open`, which returns
// a fresh, not yet connected SDK transport to a server with or without the conformance fixtures,
// and `outputDir`, the --output-dir of the servers with the fixtures (test_slow_operation writes
// its output_path only inside it).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  EmptyResultSchema,
  LoggingMessageNotificationSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";

import {
  FIXTURE_PROMPTS,
  FIXTURE_RESOURCES,
  FIXTURE_TEMPLATE,
  FIXTURE_TOOLS,
  pidFromProgress,
  procInfo,
  processGone,
  sleep,
  waitFor,
} from "./server.mjs";

const SYSLOG_LEVELS = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];

// Records every message in both directions, in order, without changing what the SDK sees.
export function tapTransport(transport) {
  const log = [];
  let handler;
  Object.defineProperty(transport, "onmessage", {
    configurable: true,
    get: () => handler,
    set: (h) => {
      handler =
        h &&
        ((msg, extra) => {
          log.push({ dir: "in", msg, t: performance.now() });
          h(msg, extra);
        });
    },
  });
  const send = transport.send.bind(transport);
  transport.send = (msg, opts) => {
    log.push({ dir: "out", msg, t: performance.now() });
    return send(msg, opts);
  };
  return log;
}

// Connects an SDK client; the returned object's close() is safe to call twice.
export async function connectClient(open, { fixtures = true, capabilities = {} } = {}) {
  const transport = await open({ fixtures });
  const log = tapTransport(transport);
  const client = new Client({ name: "oss-media-mcp-e2e", version: "0.0.1" }, { capabilities });
  const errors = [];
  client.onerror = (e) => errors.push(e);
  await client.connect(transport);
  let closed = false;
  return {
    client,
    transport,
    log,
    errors,
    close: async () => {
      if (closed) return;
      closed = true;
      await client.close().catch(() => {});
    },
  };
}

// Resolves with the error a promise rejects with; fails the test if it resolves.
async function rejection(promise) {
  try {
    const v = await promise;
    assert.fail(`expected a rejection, got ${JSON.stringify(v)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    return e;
  }
}

function textOf(result) {
  return (result.content ?? [])
    .filter((c) => c.type === "text")
    .map((c) => c.text)
    .join("\n");
}

function outgoingCall(log, predicate) {
  const e = log.find((x) => x.dir === "out" && x.msg.method === "tools/call" && predicate(x.msg));
  return e?.msg;
}

export function defineSdkSuite(label, open, { outputDir }) {
  assert.ok(outputDir && path.isAbsolute(outputDir), "defineSdkSuite needs the servers' absolute outputDir");
  describe(`${label}: official SDK client`, () => {
    const sessions = [];
    const session = async (opts) => {
      const s = await connectClient(open, opts);
      sessions.push(s);
      return s;
    };
    after(async () => {
      for (const s of sessions) await s.close();
    });

    test("initialize negotiates 2025-11-25 and reports server info", async () => {
      const { client, log } = await session();
      const init = log.find((x) => x.dir === "in" && x.msg.result?.protocolVersion);
      assert.ok(init, "no initialize result seen");
      assert.equal(init.msg.result.protocolVersion, "2025-11-25");
      const info = client.getServerVersion();
      assert.equal(typeof info?.name, "string");
      assert.equal(typeof info?.version, "string");
      const caps = client.getServerCapabilities();
      assert.ok(caps?.tools, "tools capability not declared");
    });

    test("tools/list returns every fixture with name, description and an object inputSchema", async () => {
      const { client } = await session();
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      for (const want of FIXTURE_TOOLS) assert.ok(names.includes(want), `missing fixture tool ${want}`);
      for (const t of tools) {
        assert.equal(typeof t.name, "string", "tool without a name");
        assert.ok(t.name.length > 0 && t.name.length <= 128, `bad tool name ${t.name}`);
        assert.equal(typeof t.description, "string", `${t.name}: no description`);
        assert.ok(t.description.length > 0, `${t.name}: empty description`);
        assert.equal(t.inputSchema?.type, "object", `${t.name}: inputSchema.type is not "object"`);
      }
    });

    test("without --conformance-fixtures, tools/list shows no fixture", async () => {
      const { client } = await session({ fixtures: false });
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      for (const f of FIXTURE_TOOLS) assert.ok(!names.includes(f), `fixture ${f} listed without the flag`);
      for (const t of tools) {
        assert.equal(typeof t.description, "string", `${t.name}: no description`);
        assert.equal(t.inputSchema?.type, "object", `${t.name}: inputSchema.type is not "object"`);
      }
    });

    test("ping answers with an empty result", async () => {
      const { client } = await session();
      assert.deepEqual(await client.ping(), {});
    });

    test("test_simple_text returns a text block", async () => {
      const { client } = await session();
      const r = await client.callTool({ name: "test_simple_text", arguments: {} });
      assert.ok(!r.isError, "isError set");
      assert.ok(textOf(r).length > 0, "no text");
    });

    test("test_image_content returns an image block", async () => {
      const { client } = await session();
      const r = await client.callTool({ name: "test_image_content", arguments: {} });
      const img = r.content.find((c) => c.type === "image");
      assert.ok(img, "no image block");
      assert.match(img.mimeType, /^image\//);
      assert.ok(Buffer.from(img.data, "base64").length > 0, "empty image data");
    });

    test("an unknown tool gives a JSON-RPC error, not a result", async () => {
      const { client, log } = await session();
      const e = await rejection(client.callTool({ name: "no_such_tool_e2e", arguments: {} }));
      assert.ok(e instanceof McpError && Number.isInteger(e.code), `not a JSON-RPC error: ${e}`);
      const req = outgoingCall(log, (m) => m.params.name === "no_such_tool_e2e");
      const resp = log.find((x) => x.dir === "in" && x.msg.id === req.id);
      assert.ok(resp?.msg.error, "response has no error member");
      assert.equal(resp.msg.result, undefined);
    });

    test("test_error_handling gives an isError result with text", async () => {
      const { client } = await session();
      const r = await client.callTool({ name: "test_error_handling", arguments: {} });
      assert.equal(r.isError, true);
      assert.ok(textOf(r).length > 0, "isError result without an explanation");
    });

    test("logging: setLevel debug, then test_tool_with_logging sends >= 3 notifications/message", async () => {
      const { client } = await session();
      const logs = [];
      client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
      assert.deepEqual(await client.setLoggingLevel("debug"), {});
      const r = await client.callTool({ name: "test_tool_with_logging", arguments: {} });
      assert.ok(!r.isError, "isError set");
      await waitFor(() => logs.length >= 3, 500);
      assert.ok(logs.length >= 3, `expected >= 3 log messages, got ${logs.length}`);
      for (const l of logs) {
        assert.ok(SYSLOG_LEVELS.includes(l.level), `bad level ${l.level}`);
        assert.ok(l.data !== undefined, "log message without data");
      }
    });

    test("logging/setLevel with an invalid level is a JSON-RPC error", async () => {
      const { client } = await session();
      const e = await rejection(
        client.request({ method: "logging/setLevel", params: { level: "loud" } }, EmptyResultSchema),
      );
      assert.equal(e.code, -32602, `${e.message}`.slice(0, 300));
    });

    test("test_slow_operation streams >= 2 increasing progress values before its result", async () => {
      const { client, log } = await session();
      const seen = [];
      const r = await client.callTool(
        { name: "test_slow_operation", arguments: { duration_ms: 2200 } },
        undefined,
        { onprogress: (p) => seen.push(p), timeout: 30000 },
      );
      assert.ok(!r.isError, `isError: ${textOf(r)}`);
      assert.equal(r.structuredContent?.success, true);
      assert.ok(r.structuredContent.elapsed_ms >= 2150, `elapsed_ms ${r.structuredContent.elapsed_ms}`);
      const values = seen.map((p) => p.progress);
      assert.ok(new Set(values).size >= 2, `distinct progress values: ${JSON.stringify(values)}`);
      for (let i = 1; i < values.length; i++) assert.ok(values[i] > values[i - 1], `not increasing: ${values}`);
      for (const p of seen) if (p.total !== undefined) assert.equal(p.total, 2200);
      assert.ok(pidFromProgress(seen[0].message), `first progress message is not pid=N: ${seen[0].message}`);
      // No progress for this token once the response has been sent.
      const req = outgoingCall(log, (m) => m.params.name === "test_slow_operation");
      const token = req.params._meta.progressToken;
      const respAt = log.findIndex((x) => x.dir === "in" && x.msg.id === req.id);
      await sleep(300);
      const late = log
        .slice(respAt + 1)
        .filter((x) => x.msg.method === "notifications/progress" && x.msg.params.progressToken === token);
      assert.equal(late.length, 0, "progress sent after the response");
    });

    test("test_slow_operation writes output_path whole and leaves no temp file", async () => {
      const dir = mkdtempSync(path.join(outputDir, "write-"));
      try {
        const { client } = await session();
        const out = path.join(dir, "result.bin");
        const r = await client.callTool(
          { name: "test_slow_operation", arguments: { duration_ms: 300, output_path: out } },
          undefined,
          { timeout: 30000 },
        );
        assert.ok(!r.isError, `isError: ${textOf(r)}`);
        assert.equal(r.structuredContent?.path, out);
        assert.deepEqual(readdirSync(dir), ["result.bin"]);
        assert.ok(statSync(out).isFile());
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test("cancelling test_slow_operation kills its child within 1 s, removes its files, sends no response", async () => {
      const dir = mkdtempSync(path.join(outputDir, "cancel-"));
      try {
        const { client, log } = await session();
        const out = path.join(dir, "cancelled.bin");
        const ac = new AbortController();
        let first;
        const firstProgress = new Promise((resolve) => {
          first = resolve;
        });
        const call = client.callTool(
          { name: "test_slow_operation", arguments: { duration_ms: 20000, output_path: out } },
          undefined,
          { signal: ac.signal, onprogress: (p) => first(p), timeout: 60000 },
        );
        call.catch(() => {});
        const p = await Promise.race([firstProgress, sleep(5000).then(() => null)]);
        assert.ok(p, "no progress within 5 s");
        const pid = pidFromProgress(p.message);
        assert.ok(pid, `first progress message is not pid=N: ${p.message}`);
        const info = procInfo(pid);
        assert.ok(info, `child ${pid} not running while the call is in progress`);

        ac.abort("e2e cancel");
        const t0 = performance.now();
        await assert.rejects(call);
        const gone = await waitFor(() => processGone(pid, info), 1000, 10);
        const tGone = performance.now() - t0;
        assert.ok(gone, `child ${pid} still present 1 s after cancel: ${JSON.stringify(procInfo(pid))}`);
        const left = Math.max(0, 1000 - tGone);
        const empty = await waitFor(() => readdirSync(dir).length === 0, left, 10);
        assert.ok(empty, `files left behind after cancel: ${readdirSync(dir).join(", ")}`);

        const req = outgoingCall(log, (m) => m.params.arguments?.output_path === out);
        const cancelled = log.find(
          (x) => x.dir === "out" && x.msg.method === "notifications/cancelled" && x.msg.params.requestId === req.id,
        );
        assert.ok(cancelled, "the SDK did not send notifications/cancelled");
        await sleep(300);
        const resp = log.find((x) => x.dir === "in" && x.msg.id === req.id && !x.msg.method);
        assert.equal(resp, undefined, `server answered a cancelled request: ${JSON.stringify(resp?.msg)}`);
        assert.deepEqual(await client.ping(), {}, "server stopped answering after a cancel");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test("test_slow_operation refuses an output_path outside the output directory and writes nothing there", async () => {
      const outside = mkdtempSync(path.join(os.tmpdir(), "omm-e2e-outside-"));
      const escapeName = `omm-e2e-escape-${process.pid}-${Date.now()}.bin`;
      const escaped = path.join(path.dirname(outputDir), escapeName);
      try {
        const { client } = await session();
        for (const outputPath of [path.join(outside, "x.bin"), `../${escapeName}`]) {
          const r = await client.callTool(
            { name: "test_slow_operation", arguments: { duration_ms: 0, output_path: outputPath } },
            undefined,
            { timeout: 30000 },
          );
          assert.equal(r.isError, true, `${outputPath} accepted: ${JSON.stringify(r.structuredContent)}`);
          const text = textOf(r);
          assert.ok(text.startsWith("[invalid_argument.test_slow_operation.output_path] "), text);
          assert.match(text, /output_path must lie inside the output directory/);
          for (const serverPath of [outputDir, outside, path.dirname(outputDir)]) {
            assert.ok(!text.includes(serverPath), `the message shows ${serverPath}: ${text}`);
          }
        }
        assert.deepEqual(readdirSync(outside), [], "written outside the output directory");
        assert.ok(!existsSync(escaped), `${escaped} written through ../`);
        assert.ok(!existsSync(path.join(path.dirname(outputDir), `.${escapeName}.part`)), "temp file left through ../");
      } finally {
        rmSync(outside, { recursive: true, force: true });
        rmSync(escaped, { force: true });
      }
    });

    test("sampling and elicitation reach the client and their answers reach the tool result", async () => {
      const { client } = await session({ capabilities: { sampling: {}, elicitation: {} } });
      let sampled = 0;
      let elicited = null;
      client.setRequestHandler(CreateMessageRequestSchema, async () => {
        sampled++;
        return {
          model: "e2e-model",
          role: "assistant",
          content: { type: "text", text: "reply-from-e2e-client" },
          stopReason: "endTurn",
        };
      });
      client.setRequestHandler(ElicitRequestSchema, async (req) => {
        elicited = req.params;
        return { action: "accept", content: { username: "e2e", email: "e2e@example.invalid" } };
      });
      const s = await client.callTool({ name: "test_sampling", arguments: { prompt: "Say hi" } });
      assert.equal(sampled, 1, "sampling/createMessage not received");
      assert.ok(!s.isError, `isError: ${textOf(s)}`);
      assert.match(textOf(s), /reply-from-e2e-client/);
      const e = await client.callTool({ name: "test_elicitation", arguments: { message: "Who are you?" } });
      assert.ok(elicited, "elicitation/create not received");
      assert.equal(elicited.requestedSchema?.type, "object");
      assert.ok(!e.isError, `isError: ${textOf(e)}`);
      assert.match(textOf(e), /accept/);
    });

    test("resources: list, templates, read text / binary / template", async () => {
      const { client } = await session();
      const { resources } = await client.listResources();
      const uris = resources.map((r) => r.uri);
      for (const u of FIXTURE_RESOURCES.slice(0, 2)) assert.ok(uris.includes(u), `missing resource ${u}`);
      for (const r of resources) assert.equal(typeof r.name, "string", `${r.uri}: no name`);
      const { resourceTemplates } = await client.listResourceTemplates();
      assert.ok(
        resourceTemplates.some((t) => t.uriTemplate === FIXTURE_TEMPLATE),
        `missing template ${FIXTURE_TEMPLATE}`,
      );

      const text = await client.readResource({ uri: "test://static-text" });
      assert.equal(text.contents[0].uri, "test://static-text");
      assert.equal(typeof text.contents[0].text, "string");
      assert.ok(text.contents[0].text.length > 0);

      const bin = await client.readResource({ uri: "test://static-binary" });
      assert.equal(bin.contents[0].mimeType, "image/png");
      const bytes = Buffer.from(bin.contents[0].blob, "base64");
      assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], "blob is not a PNG");

      const tpl = await client.readResource({ uri: "test://template/123/data" });
      assert.equal(tpl.contents[0].uri, "test://template/123/data");
      assert.match(tpl.contents[0].text ?? "", /123/);

      assert.deepEqual(await client.subscribeResource({ uri: "test://watched-resource" }), {});
      assert.deepEqual(await client.unsubscribeResource({ uri: "test://watched-resource" }), {});

      const e = await rejection(client.readResource({ uri: "test://no-such-resource" }));
      assert.ok(e instanceof McpError, `not a JSON-RPC error: ${e}`);
    });

    test("prompts: list and get with arguments, embedded resource, image", async () => {
      const { client } = await session();
      const { prompts } = await client.listPrompts();
      const names = prompts.map((p) => p.name);
      for (const want of FIXTURE_PROMPTS) assert.ok(names.includes(want), `missing prompt ${want}`);
      for (const p of prompts) assert.equal(typeof p.description, "string", `${p.name}: no description`);

      const simple = await client.getPrompt({ name: "test_simple_prompt" });
      assert.ok(simple.messages.length > 0);
      const withArgs = await client.getPrompt({
        name: "test_prompt_with_arguments",
        arguments: { arg1: "alpha-e2e", arg2: "beta-e2e" },
      });
      const s = JSON.stringify(withArgs.messages);
      assert.ok(s.includes("alpha-e2e") && s.includes("beta-e2e"), "arguments not substituted");
      const emb = await client.getPrompt({
        name: "test_prompt_with_embedded_resource",
        arguments: { resourceUri: "test://static-text" },
      });
      assert.ok(emb.messages.some((m) => m.content.type === "resource"), "no embedded resource message");
      const img = await client.getPrompt({ name: "test_prompt_with_image" });
      assert.ok(img.messages.some((m) => m.content.type === "image"), "no image message");
    });
  });
}
