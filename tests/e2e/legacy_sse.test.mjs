// The deprecated HTTP+SSE transport (2024-11-05): GET /sse announces /messages?sessionId=…,
// messages are POSTed there and every answer arrives on the SSE stream.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";

import { startHttpServer } from "./lib/server.mjs";

let server;

before(async () => {
  server = await startHttpServer({ transport: "sse", extra: ["--conformance-fixtures"] });
});

after(async () => {
  await server?.stop();
});

test("legacy SSE: the SDK SSEClientTransport lists tools and calls test_simple_text", async () => {
  const client = new Client({ name: "oss-media-mcp-e2e", version: "0.0.1" });
  await client.connect(new SSEClientTransport(new URL(`${server.base}/sse`)));
  try {
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === "test_simple_text"), "test_simple_text not listed");
    const r = await client.callTool({ name: "test_simple_text", arguments: {} });
    assert.ok(!r.isError);
    assert.ok(r.content.some((c) => c.type === "text" && c.text.length > 0), "no text block");
    assert.deepEqual(await client.ping(), {});
  } finally {
    await client.close();
  }
});

test("legacy SSE: two clients at once get separate sessions", async () => {
  const a = new Client({ name: "e2e-a", version: "0.0.1" });
  const b = new Client({ name: "e2e-b", version: "0.0.1" });
  const ta = new SSEClientTransport(new URL(`${server.base}/sse`));
  const tb = new SSEClientTransport(new URL(`${server.base}/sse`));
  await a.connect(ta);
  await b.connect(tb);
  try {
    // The endpoint event names each session's POST URL; they must differ.
    assert.match(ta._endpoint?.href ?? "", /\/messages\?sessionId=/);
    assert.notEqual(ta._endpoint.href, tb._endpoint?.href);
    const [ra, rb] = await Promise.all([a.listTools(), b.listTools()]);
    assert.equal(ra.tools.length, rb.tools.length);
  } finally {
    await a.close();
    await b.close();
  }
});
