// The official SDK client over Streamable HTTP, against one server with the fixtures and one
// without, each on 127.0.0.1 with a free port and a temporary --output-dir.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

import { startHttpServer, stopProcess } from "./lib/server.mjs";
import { defineSdkSuite } from "./lib/sdk_suite.mjs";

let withFixtures;
let plain;
const outputDir = mkdtempSync(path.join(os.tmpdir(), "omm-e2e-sdk-http-"));

before(async () => {
  withFixtures = await startHttpServer({ extra: ["--conformance-fixtures", "--output-dir", outputDir] });
  plain = await startHttpServer({ extra: ["--output-dir", outputDir] });
});

after(async () => {
  await withFixtures?.stop();
  await plain?.stop();
  rmSync(outputDir, { recursive: true, force: true });
});

defineSdkSuite(
  "streamable-http",
  async ({ fixtures }) => {
    const server = fixtures ? withFixtures : plain;
    return new StreamableHTTPClientTransport(new URL(server.url));
  },
  { outputDir },
);

test("streamable-http: session id and protocol version header are set, DELETE ends the session", async () => {
  const transport = new StreamableHTTPClientTransport(new URL(withFixtures.url));
  const client = new Client({ name: "oss-media-mcp-e2e", version: "0.0.1" });
  await client.connect(transport);
  try {
    assert.match(transport.sessionId ?? "", /^[\x21-\x7e]+$/, "no visible-ASCII session id");
    assert.equal(transport.protocolVersion, "2025-11-25");
    await client.listTools();
    await transport.terminateSession();
    assert.equal(transport.sessionId, undefined);
  } finally {
    await client.close();
  }
});

test("streamable-http: SIGTERM with a connected client and an open GET stream exits at once, code 0", async () => {
  const server = await startHttpServer();
  const client = new Client({ name: "oss-media-mcp-e2e", version: "0.0.1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
  await client.listTools();
  await new Promise((r) => setTimeout(r, 200)); // the SDK opens its GET stream after initialized
  const t0 = Date.now();
  const { code, signal } = await stopProcess(server.proc, 5000);
  const ms = Date.now() - t0;
  await client.close().catch(() => {});
  assert.equal(signal, null, "the server had to be killed");
  assert.equal(code, 0);
  // Idle keep-alive connections used to hold the exit for the 5 s task-queue wait, twice.
  assert.ok(ms < 1500, `SIGTERM took ${ms} ms`);
});
