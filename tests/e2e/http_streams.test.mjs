// Streamable HTTP at the wire level: many open GET streams must not starve new sessions, and
// the status codes the transport spec (2025-11-25) and the DNS-rebinding check require.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startHttpServer } from "./lib/server.mjs";
import {
  ACCEPT_BOTH,
  PROTOCOL,
  initializeRequest,
  notification,
  openGetStream,
  openSession,
  post,
  request,
  rpc,
} from "./lib/raw_http.mjs";

let server;

before(async () => {
  server = await startHttpServer({ extra: ["--conformance-fixtures"] });
});

after(async () => {
  await server?.stop();
});

describe("streamable-http: concurrent streams", () => {
  test("20 sessions hold GET SSE streams open; a 21st session initializes and its ping answers in < 100 ms", async () => {
    const streams = [];
    try {
      for (let i = 0; i < 20; i++) {
        const { session } = await openSession(server.url);
        const s = await openGetStream(server.url, session);
        assert.equal(s.status, 200, `stream ${i}: HTTP ${s.status}`);
        assert.match(s.headers["content-type"] ?? "", /^text\/event-stream/, `stream ${i}: content-type`);
        streams.push(s);
      }
      const t0 = performance.now();
      const { session } = await openSession(server.url);
      const tInit = performance.now() - t0;
      assert.ok(tInit < 2000, `21st initialize took ${tInit.toFixed(1)} ms`);

      const ping = rpc("ping");
      const t1 = performance.now();
      const r = await post(server.url, ping, { session, timeoutMs: 5000 });
      const tPing = performance.now() - t1;
      assert.equal(r.status, 200);
      const resp = r.messages.find((m) => m.id === ping.id);
      assert.deepEqual(resp?.result, {}, `ping response: ${r.text}`);
      assert.ok(tPing < 100, `ping took ${tPing.toFixed(1)} ms`);

      for (const [i, s] of streams.entries()) assert.ok(!s.ended, `stream ${i} closed early`);
    } finally {
      for (const s of streams) s.close();
    }
  });
});

describe("streamable-http: status codes", () => {
  test("initialize returns a visible-ASCII Mcp-Session-Id and negotiates 2025-11-25", async () => {
    const { session, init } = await openSession(server.url);
    assert.match(session, /^[\x21-\x7e]+$/);
    assert.equal(init.result.protocolVersion, PROTOCOL);
  });

  test("a non-initialize POST without a session id gets 400", async () => {
    const r = await post(server.url, rpc("tools/list"));
    assert.equal(r.status, 400, r.text);
  });

  test("an unknown session id gets 404", async () => {
    const r = await post(server.url, rpc("tools/list"), { session: "no-such-session-e2e-0000" });
    assert.equal(r.status, 404, r.text);
  });

  test("DELETE ends the session; reusing it gets 404", async () => {
    const { session } = await openSession(server.url);
    const d = await request(server.url, {
      method: "DELETE",
      headers: { "Mcp-Session-Id": session, "MCP-Protocol-Version": PROTOCOL },
    });
    assert.ok(d.status >= 200 && d.status < 300, `DELETE: HTTP ${d.status}`);
    const r = await post(server.url, rpc("ping"), { session });
    assert.equal(r.status, 404, r.text);
    const g = await request(server.url, {
      method: "GET",
      headers: { Accept: "text/event-stream", "Mcp-Session-Id": session, "MCP-Protocol-Version": PROTOCOL },
    });
    assert.equal(g.status, 404, `GET after DELETE: ${g.text}`);
  });

  test("an unsupported MCP-Protocol-Version gets 400", async () => {
    const { session } = await openSession(server.url);
    const r = await post(server.url, rpc("ping"), { session, protocol: "1999-01-01" });
    assert.equal(r.status, 400, r.text);
  });

  test("Host: evil.example.com gets 403", async () => {
    const r = await post(server.url, initializeRequest(), {
      protocol: null,
      headers: { Host: "evil.example.com" },
    });
    assert.equal(r.status, 403, r.text);
  });

  test("Origin: http://evil.example.com gets 403", async () => {
    const r = await post(server.url, initializeRequest(), {
      protocol: null,
      headers: { Origin: "http://evil.example.com" },
    });
    assert.equal(r.status, 403, r.text);
  });

  test("Host: localhost:PORT and a localhost Origin are accepted", async () => {
    const r = await post(server.url, initializeRequest(), {
      protocol: null,
      headers: { Host: `localhost:${server.port}`, Origin: `http://localhost:${server.port}` },
    });
    assert.equal(r.status, 200, r.text);
  });

  test("a notification POST gets 202 with no body", async () => {
    const { session } = await openSession(server.url);
    const r = await post(server.url, notification("notifications/roots/list_changed"), { session });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.text, "");
  });

  test("a malformed JSON body gets 400 with JSON-RPC error -32700", async () => {
    const { session } = await openSession(server.url);
    const r = await request(server.url, {
      method: "POST",
      headers: { Accept: ACCEPT_BOTH, "Mcp-Session-Id": session, "MCP-Protocol-Version": PROTOCOL },
      body: '{"jsonrpc":"2.0","id":1,"method":"ping"',
    });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json?.error?.code, -32700, `body: ${r.text}`);
    assert.ok(r.json.id === null || r.json.id === undefined, `id should be null: ${r.text}`);
  });

  test("the server still serves a session after all of the above", async () => {
    const { session } = await openSession(server.url);
    const ping = rpc("ping");
    const r = await post(server.url, ping, { session });
    assert.deepEqual(r.messages.find((m) => m.id === ping.id)?.result, {});
  });
});
