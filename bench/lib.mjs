// What the benchmark scripts share: process figures from /proc, a raw JSON-RPC session over a
// server's stdio, `oss-media-mcp emulate` and the counting proxy in front of it, and the report
// helpers. Everything runs on 127.0.0.1.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.dirname(BENCH);
export const RESULTS = path.join(BENCH, "results");

export const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
export const sleep = (t) => new Promise((r) => setTimeout(r, t));

export function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: "utf8", maxBuffer: 16 << 20, stdio: ["ignore", "pipe", "pipe"], ...opts });
}

// --- process figures ----------------------------------------------------------------------------

const CLOCK_TICKS = Number(sh("getconf", ["CLK_TCK"]).trim()) || 100;

// Name, Threads and the Vm* lines of /proc/<pid>/status (kB).
export function procStatus(pid) {
  const out = {};
  for (const line of readFileSync(`/proc/${pid}/status`, "utf8").split("\n")) {
    const m = /^(Vm\w+|Name|Threads):\s+(\S+)/.exec(line);
    if (m) out[m[1]] = m[1] === "Name" ? m[2] : Number(m[2]);
  }
  return out;
}

function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
}
// CPU seconds of a process (utime + stime), and with its reaped children (+ cutime + cstime).
export const cpuOwn = (pid) => ((f) => (f[11] + f[12]) / CLOCK_TICKS)(statFields(pid));
export const cpuWithChildren = (pid) => ((f) => (f[11] + f[12] + f[13] + f[14]) / CLOCK_TICKS)(statFields(pid));

// The pids of `ppid`'s children whose argv[0] has this base name.
export function childrenNamed(ppid, exeName) {
  const found = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (statFields(d)[1] !== ppid) continue;
      const argv0 = readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0")[0];
      if (path.basename(argv0) === exeName) found.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return found;
}

export const stop = (proc, signal = "SIGTERM") =>
  new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once("exit", resolve);
    proc.kill(signal);
  });

// --- a raw JSON-RPC session over the server's stdio ---------------------------------------------

export class RawSession {
  // `opts`: spawn options (cwd, env). Notifications from the server are counted by method.
  constructor(argv, opts = {}) {
    this.child = spawn(argv[0], argv.slice(1), { ...opts, stdio: ["pipe", "pipe", "pipe"] });
    this.pending = new Map();
    this.nextId = 1;
    this.stderr = "";
    this.notifications = new Map();
    let buf = "";
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk) => {
      const t = process.hrtime.bigint();
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const msg = JSON.parse(line);
        if (msg.id === undefined && msg.method) {
          this.notifications.set(msg.method, (this.notifications.get(msg.method) ?? 0) + 1);
          continue;
        }
        const p = this.pending.get(msg.id);
        if (p) {
          this.pending.delete(msg.id);
          p({ msg, t });
        }
      }
    });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (c) => (this.stderr = (this.stderr + c).slice(-200000)));
  }
  get pid() {
    return this.child.pid;
  }
  // Resolves to { result, ms }: wall time from writing the request to reading its response.
  async request(method, params) {
    const id = this.nextId++;
    const done = new Promise((resolve) => this.pending.set(id, resolve));
    const t0 = process.hrtime.bigint();
    this.child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
    const { msg, t } = await done;
    if (msg.error) throw new Error(`${method}: ${JSON.stringify(msg.error)}`);
    return { result: msg.result, ms: Number(t - t0) / 1e6 };
  }
  notify(method) {
    this.child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method }) + "\n");
  }
  async init(clientName = "bench") {
    await this.request("initialize", { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: clientName, version: "0" } });
    this.notify("notifications/initialized");
  }
  // Resolves to { sc: structuredContent, ms }; a tool error throws.
  async callTool(name, args, meta) {
    const r = await this.request("tools/call", { name, arguments: args, ...(meta ? { _meta: meta } : {}) });
    if (r.result.isError) throw new Error(`${name}: ${r.result.content?.[0]?.text}`);
    return { sc: r.result.structuredContent, ms: r.ms };
  }
  async close() {
    const exited = new Promise((resolve) => this.child.on("exit", resolve));
    this.child.stdin.end();
    await exited;
  }
}

// --- the emulator and the counting proxy --------------------------------------------------------

export const EMU_AK = "bench-ak";
export const EMU_SK = "bench-secret";

export function startEmulator(bin, root) {
  const proc = spawn(bin, ["emulate", "--root", root, "--listen", "127.0.0.1:0", "--access-key-id", EMU_AK, "--access-key-secret", EMU_SK],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true" } });
  let stderr = "";
  proc.stderr.setEncoding("utf8");
  proc.stderr.on("data", (d) => (stderr = (stderr + d).slice(-20000)));
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${stderr}`)), 15000);
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (d) => {
      out += d;
      const m = /^listening http:\/\/127\.0\.0\.1:(\d+)\n/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, port: Number(m[1]), stderr: () => stderr });
      }
    });
    proc.on("exit", (code) => reject(new Error(`emulator exited ${code}: ${stderr}`)));
  });
}

// What a request to OSS / IMM is: IMM by its x-acs-action, OSS by method, key and sub-resource.
export function classify(method, url, headers) {
  const action = headers["x-acs-action"];
  if (action) return `IMM ${action}`;
  const u = new URL(url, "http://x");
  const q = u.searchParams;
  const parts = u.pathname.split("/").filter(Boolean); // path style: /<bucket>/<key>
  const hasKey = parts.length > 1;
  if (q.has("x-oss-async-process")) return "POST ?x-oss-async-process";
  if (q.has("x-oss-process")) return method === "GET" ? `GET ?x-oss-process=${q.get("x-oss-process").split(",")[0]}` : `${method} ?x-oss-process (saveas)`;
  if (q.has("uploads")) return method === "POST" ? "InitiateMultipartUpload" : "ListMultipartUploads";
  if (q.has("uploadId")) return { PUT: "UploadPart", POST: "CompleteMultipartUpload", DELETE: "AbortMultipartUpload", GET: "ListParts" }[method] ?? `${method} ?uploadId`;
  if (!hasKey) return method === "GET" ? (q.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects") : `${method} bucket`;
  return { GET: "GetObject", HEAD: "HeadObject", PUT: headers["x-oss-copy-source"] ? "CopyObject" : "PutObject", DELETE: "DeleteObject" }[method] ?? `${method} object`;
}

// Headers without the hop-by-hop ones (RFC 9110 §7.6.1): each side keeps its own connection.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"]);
const endToEnd = (headers) => Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase())));

// A proxy that forwards every request unchanged (the Host header included, so the signatures the
// client made for the proxy's address verify upstream) and records each one in `seen`
// ({ what, method, path, status, bytes, conn }) and each TCP connection the client opens in
// `connections` (the proxy keeps client connections alive like a server would: 5 s idle; it
// opens a new upstream connection per request, which is not counted).
export function startProxy(upstreamPort) {
  const seen = [];
  let connections = 0;
  const server = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    const entry = { what: classify(req.method, req.url, req.headers), method: req.method, path: req.url.slice(0, 160), status: 0, bytes: 0, conn: req.socket.benchId, t0: process.hrtime.bigint() };
    seen.push(entry);
    const up = http.request({ host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: endToEnd(req.headers), agent: false }, (ur) => {
      entry.status = ur.statusCode;
      entry.headers_ms = ms(entry.t0); // the emulator's time to its answer's headers
      res.writeHead(ur.statusCode, endToEnd(ur.headers));
      ur.on("data", (c) => (entry.bytes += c.length));
      ur.on("end", () => (entry.end_ms = ms(entry.t0)));
      ur.pipe(res);
    });
    up.on("error", (e) => {
      entry.status = 502;
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(String(e));
    });
    req.pipe(up);
  });
  server.on("connection", (socket) => (socket.benchId = ++connections));
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, port: server.address().port, seen, connections: () => connections })));
}

// --- report -------------------------------------------------------------------------------------

export function machine(bin) {
  let cpu = "unknown";
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpu;
  } catch {
    /* not Linux */
  }
  let commit = null;
  try {
    commit = sh("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"]).trim();
  } catch {
    /* not a checkout */
  }
  return { cpu, cores: os.availableParallelism(), loadavg: os.loadavg().map((l) => Number(l.toFixed(2))), node: process.version, commit, binary: bin };
}

// Prints rows (the first is the header) as aligned columns: the first and the last left-aligned.
export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  const line = (row) => row.map((cell, i) => (i === 0 || i === row.length - 1 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join("  ");
  console.log(line(rows[0]));
  console.log(widths.map((x) => "-".repeat(x)).join("  "));
  for (const row of rows.slice(1)) console.log(line(row).trimEnd());
}
