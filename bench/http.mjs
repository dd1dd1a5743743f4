// HTTP load and abuse benchmark (run through bench/http.sh; see bench/README.md). Loopback only.
//
// 1. keep-alive: median and p99 latency of `ping` over one kept-alive connection against a new
//    connection per request, answered as JSON and as an SSE stream (Streamable HTTP), and over
//    the legacy SSE transport (POST /messages on a kept-alive connection, the answer read from
//    the held GET /sse stream).
// 2. abuse: BENCH_SESSIONS (200) legitimate sessions — the official SDK client over Streamable
//    HTTP — each making BENCH_CALLS (50) cheap calls (tools/call test_simple_text), while at the
//    same time BENCH_STREAMS (300) extra GET /sse streams are held open and BENCH_FLOOD (1000)
//    `initialize` requests that never send a second message arrive (50 at a time). Reported:
//    protocol errors of the legitimate sessions (rejected calls: JSON-RPC errors, HTTP
//    failures, timeouts — to be 0), tool-level server.busy answers, p50/p99/max of their calls,
//    how the extra streams were answered (200 / 429 / 503), and the server's thread count and
//    RSS before, at the peak, and after everything closed (sampled until they settle).
// Prints a table and writes bench/results/http.json.
import http from "node:http";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpuOwn, procStatus, sleep } from "./lib.mjs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
// The official SDK client, from the pinned test clients.
const SDK = path.join(path.dirname(BENCH), "tests/e2e/node_modules/@modelcontextprotocol/sdk/dist/esm");
const { Client } = await import(path.join(SDK, "client/index.js"));
const { StreamableHTTPClientTransport } = await import(path.join(SDK, "client/streamableHttp.js"));
const RESULTS = path.join(BENCH, "results");
const BIN = path.resolve(process.env.OMM_BIN);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 200);
const CALLS = Number(process.env.BENCH_CALLS ?? 50);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 300);
const FLOOD = Number(process.env.BENCH_FLOOD ?? 1000);
const PINGS = Number(process.env.BENCH_PINGS ?? 500);

const log = (s) => process.stderr.write(`bench-http: ${s}\n`);
const now = () => Number(process.hrtime.bigint()) / 1e6;
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};

function startServer(extra = []) {
  const proc = spawn(BIN, ["serve", "--transport", "http", "--listen", "127.0.0.1:0", "--conformance-fixtures",
                           "--log-level", "warn", ...extra], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 10000);
    proc.stderr.on("data", (d) => {
      stderr = (stderr + d).slice(-20000);
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m && timer) {
        clearTimeout(timer);
        resolve({ proc, port: Number(m[1]), url: `http://127.0.0.1:${m[1]}/mcp`, stop: () => proc.kill("SIGTERM") });
      }
    });
  });
}

// One POST; resolves with { status, body } (an SSE body is read until its first data line).
function post(port, agent, body, headers) {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = http.request({ host: "127.0.0.1", port, path: "/mcp", method: "POST", agent,
      headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers } }, (res) => {
      let data = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (data += d));  // an SSE answer ends its stream
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(text);
  });
}

async function openSession(port) {
  const init = { jsonrpc: "2.0", id: 0, method: "initialize",
                 params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "bench", version: "1" } } };
  const r = await post(port, undefined, init, { Accept: "application/json, text/event-stream" });
  const session = r.headers["mcp-session-id"];
  await post(port, undefined, { jsonrpc: "2.0", method: "notifications/initialized" },
             { Accept: "application/json, text/event-stream", "Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25" });
  return session;
}

async function pingSeries(port, session, keepAlive, accept) {
  const agent = keepAlive ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : undefined;
  const times = [];
  for (let i = 0; i < PINGS + 20; i++) {
    const t0 = now();
    const r = await post(port, agent ?? false, { jsonrpc: "2.0", id: i + 1, method: "ping" },
                         { Accept: accept, "Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25" });
    if (r.status !== 200 || !r.body.includes(`"id":${i + 1}`)) throw new Error(`ping: ${r.status} ${r.body}`);
    if (i >= 20) times.push(now() - t0);
  }
  agent?.destroy();
  return { median_ms: quantile(times, 0.5), p99_ms: quantile(times, 0.99) };
}

// Legacy SSE: the answer of each POST /messages arrives on the held GET /sse stream.
async function legacySeries(port, keepAlive) {
  const pending = new Map();
  let endpoint;
  const ready = new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/sse", headers: { Accept: "text/event-stream" }, agent: false }, (res) => {
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const ev = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = /^data: (.*)$/m.exec(ev)?.[1];
          if (/^event: endpoint$/m.test(ev)) {
            endpoint = data;
            resolve(req);
          } else if (data) {
            const m = JSON.parse(data);
            pending.get(m.id)?.();
          }
        }
      });
    });
    req.end();
  });
  const sse = await ready;
  const agent = keepAlive ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : false;
  const send = (body) => new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = http.request({ host: "127.0.0.1", port, path: endpoint, method: "POST", agent,
      headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) } }, (res) => {
      res.resume();
      res.on("end", resolve);
    });
    req.on("error", reject);
    req.end(text);
  });
  await send({ jsonrpc: "2.0", id: 0, method: "initialize",
               params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } } });
  await send({ jsonrpc: "2.0", method: "notifications/initialized" });
  const times = [];
  for (let i = 1; i <= PINGS + 20; i++) {
    const t0 = now();
    const answered = new Promise((resolve) => pending.set(i, resolve));
    await send({ jsonrpc: "2.0", id: i, method: "ping" });
    await answered;
    if (i > 20) times.push(now() - t0);
  }
  sse.destroy();
  if (agent) agent.destroy();
  return { median_ms: quantile(times, 0.5), p99_ms: quantile(times, 0.99) };
}

async function keepAliveBench() {
  const server = await startServer();
  try {
    const session = await openSession(server.port);
    const out = {};
    for (const [name, accept] of [["json", "application/json"], ["sse", "text/event-stream"]]) {
      out[`streamable_${name}_fresh`] = await pingSeries(server.port, session, false, accept);
      out[`streamable_${name}_kept_alive`] = await pingSeries(server.port, session, true, accept);
    }
    out.legacy_sse_fresh = await legacySeries(server.port, false);
    out.legacy_sse_kept_alive = await legacySeries(server.port, true);
    return out;
  } finally {
    server.stop();
  }
}

// --- abuse -------------------------------------------------------------------------------------

function holdStream(port) {
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/sse", headers: { Accept: "text/event-stream" }, agent: false });
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ status: "timeout", close() {} });
    }, 10000);
    req.on("error", () => {
      clearTimeout(timer);
      resolve({ status: "error", close() {} });
    });
    req.on("response", (res) => {
      clearTimeout(timer);
      res.on("data", () => {});
      res.on("error", () => {});
      resolve({ status: res.statusCode, close: () => req.destroy() });
    });
    req.end();
  });
}

async function flood(port) {
  const statuses = {};
  const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
  let sent = 0;
  const worker = async () => {
    while (sent < FLOOD) {
      sent++;
      const r = await post(port, agent, { jsonrpc: "2.0", id: 1, method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "flood", version: "1" } } },
        { Accept: "application/json, text/event-stream" }).catch((e) => ({ status: e.code ?? "error" }));
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  agent.destroy();
  return statuses;
}

async function legitSession(url, results) {
  const client = new Client({ name: "bench-legit", version: "1" });
  client.onerror = () => {};  // a refused GET stream (429/503) is not a call error
  const t0 = now();
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  } catch (e) {
    results.errors.push(`connect: ${e.message}`);
    return;
  }
  results.connect.push(now() - t0);
  for (let i = 0; i < CALLS; i++) {
    const t = now();
    try {
      const r = await client.callTool({ name: "test_simple_text", arguments: {} }, undefined, { timeout: 30000 });
      results.calls.push(now() - t);
      if (r.isError) {
        if (/server\.busy/.test(r.content?.[0]?.text ?? "")) results.busy++;
        else results.errors.push(`tool error: ${r.content?.[0]?.text}`);
      }
    } catch (e) {
      results.errors.push(`${e.message}${e.cause ? ` (${e.cause.code ?? ""} ${e.cause.message ?? e.cause})` : ""}`);
    }
  }
  await client.close().catch(() => {});
}

async function abuseBench() {
  const server = await startServer();
  const pid = server.proc.pid;
  try {
    // Warm-up, then the baseline.
    await legitSession(server.url, { connect: [], calls: [], errors: [], busy: 0 });
    await sleep(16000);  // idle kept-alive connections close (15 s)
    const baseline = procStatus(pid);
    log(`baseline: ${baseline.Threads} threads, ${baseline.VmRSS} KiB RSS`);

    let peakThreads = 0;
    let peakRss = 0;
    const sampler = setInterval(() => {
      const s = procStatus(pid);
      peakThreads = Math.max(peakThreads, s.Threads);
      peakRss = Math.max(peakRss, s.VmRSS);
    }, 50);

    const t0 = now();
    const serverCpu0 = cpuOwn(pid);
    const clientCpu0 = process.cpuUsage();
    const streamsP = Promise.all(Array.from({ length: STREAMS }, () => holdStream(server.port)));
    const floodP = flood(server.port);
    const results = { connect: [], calls: [], errors: [], busy: 0 };
    await Promise.all(Array.from({ length: SESSIONS }, () => legitSession(server.url, results)));
    const legitMs = now() - t0;
    const serverCpu = cpuOwn(pid) - serverCpu0;
    const clientCpuUs = process.cpuUsage(clientCpu0);
    const clientCpu = (clientCpuUs.user + clientCpuUs.system) / 1e6;
    const floodStatuses = await floodP;
    const streams = await streamsP;
    const streamStatuses = {};
    for (const s of streams) streamStatuses[s.status] = (streamStatuses[s.status] ?? 0) + 1;
    const during = procStatus(pid);
    for (const s of streams) s.close();

    // Afterwards: wait for threads to come back (kept-alive connections close after 15 s; a
    // stream whose client left is noticed at its next keep-alive comment, ≤ 2 × 15 s).
    const settleStart = now();
    let after = procStatus(pid);
    while (now() - settleStart < 60000 && after.Threads > baseline.Threads + 4) {
      await sleep(500);
      after = procStatus(pid);
    }
    clearInterval(sampler);
    return {
      sessions: SESSIONS, calls_per_session: CALLS, extra_streams: STREAMS, flood: FLOOD,
      protocol_errors: results.errors.length, error_samples: results.errors.slice(0, 5), busy_answers: results.busy,
      calls: results.calls.length, legit_wall_ms: legitMs,
      cpu_seconds: { server: serverCpu, clients_and_attackers: clientCpu },
      call_p50_ms: quantile(results.calls, 0.5), call_p99_ms: quantile(results.calls, 0.99),
      call_max_ms: Math.max(...results.calls), connect_p99_ms: quantile(results.connect, 0.99),
      extra_stream_answers: streamStatuses, flood_answers: floodStatuses,
      threads: { baseline: baseline.Threads, peak: peakThreads, at_end_of_load: during.Threads, after: after.Threads,
                 settled_after_ms: now() - settleStart },
      rss_kib: { baseline: baseline.VmRSS, peak: peakRss, after: after.VmRSS },
    };
  } finally {
    server.stop();
  }
}

const report = { machine: { node: process.version, bin: BIN }, started: new Date().toISOString() };
log("keep-alive latency");
report.keepalive = await keepAliveBench();
log("abuse");
report.abuse = await abuseBench();

const k = report.keepalive;
const row = (name, a, b) => `${name.padEnd(24)} fresh ${a.median_ms.toFixed(3)} ms (p99 ${a.p99_ms.toFixed(3)})   ` +
  `kept-alive ${b.median_ms.toFixed(3)} ms (p99 ${b.p99_ms.toFixed(3)})   ratio ${(b.median_ms / a.median_ms).toFixed(2)}`;
console.log("\nping latency, median over " + PINGS);
console.log(row("streamable http, json", k.streamable_json_fresh, k.streamable_json_kept_alive));
console.log(row("streamable http, sse", k.streamable_sse_fresh, k.streamable_sse_kept_alive));
console.log(row("legacy sse", k.legacy_sse_fresh, k.legacy_sse_kept_alive));
const a = report.abuse;
console.log(`\nabuse: ${a.sessions} sessions x ${a.calls_per_session} calls, ${a.extra_streams} held streams, ${a.flood} initialize flood`);
console.log(`  legitimate calls: ${a.calls}, protocol errors ${a.protocol_errors}, server.busy ${a.busy_answers}`);
console.log(`  call latency: p50 ${a.call_p50_ms.toFixed(2)} ms, p99 ${a.call_p99_ms.toFixed(2)} ms, max ${a.call_max_ms.toFixed(1)} ms; ` +
            `connect p99 ${a.connect_p99_ms.toFixed(1)} ms; wall ${(a.legit_wall_ms / 1000).toFixed(1)} s`);
console.log(`  CPU during the load: server ${a.cpu_seconds.server.toFixed(1)} s, the Node client process (200 SDK ` +
            `clients and the attackers) ${a.cpu_seconds.clients_and_attackers.toFixed(1)} s — 2 cores shared`);
console.log(`  extra streams answered: ${JSON.stringify(a.extra_stream_answers)}; flood answered: ${JSON.stringify(a.flood_answers)}`);
console.log(`  threads: baseline ${a.threads.baseline}, peak ${a.threads.peak}, after ${a.threads.after} (settled in ` +
            `${(a.threads.settled_after_ms / 1000).toFixed(1)} s)`);
console.log(`  RSS: baseline ${(a.rss_kib.baseline / 1024).toFixed(1)} MiB, peak ${(a.rss_kib.peak / 1024).toFixed(1)} MiB, ` +
            `after ${(a.rss_kib.after / 1024).toFixed(1)} MiB`);
mkdirSync(RESULTS, { recursive: true });
writeFileSync(path.join(RESULTS, "http.json"), JSON.stringify(report, null, 2));
process.exit(a.protocol_errors === 0 ? 0 : 1);
