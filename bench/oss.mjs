// OSS-backend benchmark (run through bench/oss.sh; see bench/README.md). Issue #5, acceptance 5:
//   - HTTP requests per tool call: `oss-media-mcp serve --backend oss` talks to
//     `oss-media-mcp emulate` through a counting proxy written here (a node http server on
//     127.0.0.1 that forwards every request unchanged, Host header included, so the V4 / ACS3
//     signatures made for the proxy's address still verify at the emulator). Every request is
//     classified (method, path, sub-resource / x-oss-process / x-acs-action) and attributed to the
//     tool call in flight; calls run one at a time.
//   - peak RSS of the server while object_download fetches a 1 GiB object: a fresh server process,
//     VmHWM from /proc/<pid>/status before and after (VmRSS sampled during the download too).
// The MCP client is a few lines of raw JSON-RPC over the server's stdio (as in local.mjs).
// Prints one table and writes bench/results/oss.json.
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { EMU_AK as AK, EMU_SK as SK, RESULTS, ROOT, RawSession, machine, ms, procStatus, sh, sleep, startEmulator, startProxy, stop, table } from "./lib.mjs";
const MEDIA = path.join(RESULTS, "oss-media");
const BIN = path.resolve(process.env.OMM_BIN ?? path.join(ROOT, "build-bench/src/oss-media-mcp"));
const BIG_MIB = Number(process.env.BENCH_BIG_MIB ?? 1024); // the large download, MiB
const RSS_GOAL_MIB = 64;

const BUCKET = "media";
const PROJECT = "p1";

const log = (s) => process.stderr.write(`bench-oss: ${s}\n`);

// --- media --------------------------------------------------------------------------------------

function makeMedia() {
  mkdirSync(MEDIA, { recursive: true });
  const jpg = path.join(MEDIA, "in-1280.jpg");
  const mp4 = path.join(MEDIA, "in-360p-3s.mp4");
  if (!existsSync(jpg)) {
    log("generating a 1280x960 JPEG");
    sh("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x960", "-frames:v", "1", "-q:v", "3", jpg]);
  }
  if (!existsSync(mp4)) {
    log("generating a 3 s 640x360 video");
    sh("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=3",
      "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:v", "libx264", "-preset", "veryfast",
      "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", mp4]);
  }
  return { jpg, mp4 };
}

// A plain file server for the `uri` source (its fetches are counted apart: not OSS requests).
function startFileServer(dir) {
  const fetched = [];
  const server = http.createServer((req, res) => {
    fetched.push(`${req.method} ${req.url}`);
    const file = path.join(dir, path.basename(new URL(req.url, "http://x").pathname));
    if (!existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "image/jpeg", "content-length": statSync(file).size });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: server.address().port, fetched })));
}

function startServer(w, proxyPort, { immProject = true } = {}) {
  const endpoint = `http://127.0.0.1:${proxyPort}`;
  const argv = [BIN, "serve", "--backend", "oss", "--bucket", BUCKET, "--endpoint", endpoint, "--imm-endpoint", endpoint,
    ...(immProject ? ["--imm-project", PROJECT] : []), "--output-dir", path.join(w, "outputs"), "--input-dir", path.join(w, "inputs"),
    "--allow-private-uri", "--log-level", "info"];
  const env = {
    PATH: process.env.PATH,
    HOME: path.join(w, "home"),
    ALIBABA_CLOUD_ACCESS_KEY_ID: AK,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: SK,
    ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true",
  };
  return new RawSession(argv, { cwd: w, env });
}

// --- the figures --------------------------------------------------------------------------------

// Each case: the tool call, which requests are its minimum and which are counted apart.
//   goal:     the number of "counted" requests the call should make;
//   apart:    request kinds reported in their own column (verify's HEAD, IMM GetTask polls);
//   expect:   the kinds the minimum consists of (shown, and checked: MET needs exactly these).
function cases(fileServerPort) {
  const img = { key: "in.jpg" };
  const resize = [{ op: "resize", w: 320 }];
  return [
    { name: "image_process url", tool: "image_process", args: { source: img, operations: resize, output: { mode: "url" } }, goal: 0, expect: [] },
    { name: "image_process download", tool: "image_process", args: { source: img, operations: resize, output: { mode: "download", path: "dl/a.jpg" } }, goal: 1, expect: ["GET ?x-oss-process=image/resize"] },
    { name: "image_process save", tool: "image_process", args: { source: img, operations: resize, output: { mode: "save", target_key: "out/a.jpg" } }, goal: 1, expect: ["POST ?x-oss-process (saveas)"] },
    { name: "image_process save + verify", tool: "image_process", args: { source: img, operations: resize, output: { mode: "save", target_key: "out/b.jpg" }, verify: true }, goal: 1, expect: ["POST ?x-oss-process (saveas)"], apart: ["HeadObject"], apartGoal: 1 },
    { name: "image_process download + verify", tool: "image_process", args: { source: img, operations: resize, output: { mode: "download", path: "dl/b.jpg" }, verify: true }, goal: 1, expect: ["GET ?x-oss-process=image/resize"], apart: ["HeadObject"] },
    { name: "image_inspect info", tool: "image_inspect", args: { source: img, what: "info" }, goal: 1, expect: ["GET ?x-oss-process=image/info"] },
    { name: "media_info video", tool: "media_info", args: { source: { key: "clip.mp4" }, kind: "video" }, goal: 1, expect: ["GET ?x-oss-process=video/info"] },
    { name: "image_process uri source + save", tool: "image_process", args: { source: { uri: `http://127.0.0.1:${fileServerPort}/remote.jpg` }, operations: resize, output: { mode: "save", target_key: "out/c.jpg" } }, goal: 3, expect: ["PutObject", "POST ?x-oss-process (saveas)", "DeleteObject"] },
    { name: "object_upload 256 KiB", tool: "object_upload", args: { uri: "INPUTS/small.bin", target_key: "up/small.bin" }, goal: 1, expect: ["PutObject"] },
    { name: "object_download 256 KiB", tool: "object_download", args: { key: "up/small.bin", path: "dl/small.bin" }, goal: 1, expect: ["GetObject"] },
    { name: "video_transcode save (async, waits)", tool: "video_transcode", args: { source: { key: "clip.mp4" }, f: "mp4", vcodec: "h264", acodec: "aac", output: { mode: "save", target_key: "out/t.mp4" }, wait_seconds: 120 }, goal: 1, expect: ["POST ?x-oss-async-process"], apart: ["IMM GetTask"], async: true },
    { name: "image_process blindwatermark save", tool: "image_process", args: { source: img, operations: [{ op: "resize", w: 600 }, { op: "blindwatermark", content: "bench-oss" }], output: { mode: "save", target_key: "out/marked.jpg" } }, goal: 1, expect: ["POST ?x-oss-process (saveas)"] },
    { name: "image_watermark_extract (IMM)", tool: "image_watermark_extract", args: { source: { key: "out/marked.jpg" } }, goal: 1, expect: ["IMM CreateDecodeBlindWatermarkTask"], apart: ["IMM GetDecodeBlindWatermarkResult", "IMM GetTask"], async: true },
  ];
}

async function countRequests(s, proxy, files, w) {
  const rows = [];
  const window = async (tool, args) => {
    const from = proxy.seen.length;
    const fetchedFrom = files.fetched.length;
    const t0 = process.hrtime.bigint();
    let sc;
    let error = null;
    try {
      sc = (await s.callTool(tool, args)).sc;
    } catch (e) {
      error = String(e.message ?? e);
    }
    await sleep(50); // a request still in the proxy's pipe would show up here
    return { sc, error, ms: ms(t0), requests: proxy.seen.slice(from), fetched: files.fetched.slice(fetchedFrom) };
  };

  log("imm_setup (once; IMM project p1 is also passed as --imm-project)");
  const setup = await window("imm_setup", { project: PROJECT });
  rows.push({ name: "imm_setup (once per bucket)", tool: "imm_setup", requests: setup.requests.map((r) => r.what), error: setup.error, informative: true });

  for (const c of cases(files.port)) {
    if (c.args.uri?.startsWith("INPUTS/")) c.args.uri = path.join(w, "inputs", c.args.uri.slice(7));
    log(`${c.name}`);
    const r = await window(c.tool, c.args);
    const kinds = r.requests.map((q) => q.what);
    const apartKinds = kinds.filter((k) => (c.apart ?? []).includes(k));
    const counted = kinds.filter((k) => !(c.apart ?? []).includes(k));
    const sortedEq = (a, b) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
    let pass = !r.error && counted.length === c.goal && sortedEq(counted, c.expect);
    if (c.apartGoal !== undefined) pass = pass && apartKinds.length === c.apartGoal;
    rows.push({
      name: c.name,
      tool: c.tool,
      goal: c.goal,
      apart_goal: c.apartGoal,
      counted: counted.length,
      apart: apartKinds.length,
      apart_kinds: c.apart ?? [],
      requests: kinds,
      statuses: r.requests.map((q) => q.status),
      source_fetches: r.fetched.length,
      status: r.sc?.status,
      verified: r.sc?.verified,
      data: c.tool === "image_watermark_extract" ? r.sc?.data : undefined,
      ms: r.ms,
      error: r.error,
      pass,
      async: !!c.async,
    });
  }
  return rows;
}

// A 1 GiB object written straight into the emulator's bucket folder, fetched by object_download in
// a fresh server process; the server's VmHWM before / after and VmRSS sampled every 20 ms.
async function bigDownload(w, proxy, emu) {
  const file = path.join(w, BUCKET, "big.bin");
  log(`writing a ${BIG_MIB} MiB object (random bytes) to ${file}`);
  const fd = openSync(file, "w");
  const chunk = randomBytes(8 << 20);
  for (let i = 0; i < BIG_MIB / 8; i++) writeSync(fd, chunk.subarray(0, 8 << 20));
  closeSync(fd);
  const size = statSync(file).size;

  // This server runs without --imm-project: its first IMM call looks the bucket's project up
  // (GetOSSBucketAttachment, once per bucket and process); shown with two extracts in a row.
  const s = startServer(w, proxy.port, { immProject: false });
  try {
    await s.init("bench-oss");
    const lookup = [];
    for (let i = 0; i < 2; i++) {
      const from = proxy.seen.length;
      log(`image_watermark_extract without --imm-project (${i + 1}/2)`);
      await s.callTool("image_watermark_extract", { source: { key: "out/marked.jpg" } });
      await sleep(50);
      lookup.push(proxy.seen.slice(from).map((q) => q.what));
    }
    // Warm the client path (credentials, first connection) on a small object first.
    await s.callTool("object_download", { key: "up/small.bin", path: "dl/warm.bin" });
    const before = procStatus(s.pid);
    const emuBefore = procStatus(emu.proc.pid);
    let maxRss = before.VmRSS;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        try {
          maxRss = Math.max(maxRss, procStatus(s.pid).VmRSS);
        } catch {
          /* gone */
        }
        await sleep(20);
      }
    })();
    const from = proxy.seen.length;
    log(`object_download of ${BIG_MIB} MiB`);
    const t0 = process.hrtime.bigint();
    const { sc } = await s.callTool("object_download", { key: "big.bin", path: "dl/big.bin" });
    const wall = ms(t0);
    sampling = false;
    await sampler;
    const after = procStatus(s.pid);
    const emuAfter = procStatus(emu.proc.pid);
    const out = path.join(w, "outputs", "dl/big.bin");
    const got = existsSync(out) ? statSync(out).size : -1;
    rmSync(out, { force: true });
    return {
      project_lookup: lookup,
      object_bytes: size,
      downloaded_bytes: got,
      reported_size: sc.size,
      requests: proxy.seen.slice(from).map((q) => q.what),
      proxy_ms: proxy.seen.slice(from).map((q) => ({ headers: q.headers_ms, end: q.end_ms, bytes: q.bytes })),
      wall_ms: wall,
      mib_per_s: size / (1 << 20) / (wall / 1000),
      server_kb: { vmrss_before: before.VmRSS, vmhwm_before: before.VmHWM, vmhwm_after: after.VmHWM, vmrss_sampled_max: maxRss, growth: after.VmHWM - before.VmHWM },
      emulator_kb: { vmhwm_before: emuBefore.VmHWM, vmhwm_after: emuAfter.VmHWM },
    };
  } finally {
    await s.close();
    rmSync(file, { force: true });
  }
}

// --- report -------------------------------------------------------------------------------------

const summarize = (kinds) => {
  const n = new Map();
  for (const k of kinds) n.set(k, (n.get(k) ?? 0) + 1);
  return [...n].map(([k, c]) => (c > 1 ? `${c}× ${k}` : k)).join(", ") || "(none)";
};

async function main() {
  const media = makeMedia();
  const w = mkdtempSync(path.join(os.tmpdir(), "omm-bench-oss-"));
  for (const d of [BUCKET, "inputs", "outputs", "home", "remote"]) mkdirSync(path.join(w, d), { recursive: true });
  writeFileSync(path.join(w, BUCKET, "in.jpg"), readFileSync(media.jpg));
  writeFileSync(path.join(w, BUCKET, "clip.mp4"), readFileSync(media.mp4));
  writeFileSync(path.join(w, "remote", "remote.jpg"), readFileSync(media.jpg));
  writeFileSync(path.join(w, "inputs", "small.bin"), randomBytes(256 << 10));

  const results = { when: new Date().toISOString(), machine: machine(BIN), settings: { BIG_MIB } };
  const emu = await startEmulator(BIN, w);
  const proxy = await startProxy(emu.port);
  const files = await startFileServer(path.join(w, "remote"));
  let s = null;
  try {
    s = startServer(w, proxy.port);
    await s.init("bench-oss");
    results.requests = await countRequests(s, proxy, files, w);
    await s.close();
    s = null;
    results.big_download = await bigDownload(w, proxy, emu);
  } catch (e) {
    if (s) process.stderr.write(s.stderr.split("\n").slice(-20).join("\n") + "\n");
    process.stderr.write(emu.stderr().split("\n").slice(-20).join("\n") + "\n");
    throw e;
  } finally {
    if (s) await s.close();
    proxy.server.close();
    files.server.close();
    await stop(emu.proc);
    rmSync(w, { recursive: true, force: true });
  }
  results.machine.loadavg_after = os.loadavg().map((l) => Number(l.toFixed(2)));

  const b = results.big_download;
  const peakMib = b.server_kb.vmhwm_after / 1024;
  results.goals = {
    requests: results.requests.filter((r) => !r.informative).map((r) => ({ name: r.name, pass: r.pass })),
    big_download_rss: { value_mib: peakMib, goal: `<= ${RSS_GOAL_MIB} MiB`, pass: peakMib <= RSS_GOAL_MIB && b.downloaded_bytes === b.object_bytes },
  };

  const mark = (p) => (p ? "MET" : "MISS");
  const rows = [["tool call", "requests", "goal", "apart", "", "requests seen (by the proxy)"]];
  for (const r of results.requests) {
    if (r.informative) {
      rows.push([r.name, r.requests.length, "—", "", r.error ? "ERROR" : "", summarize(r.requests)]);
      continue;
    }
    const apart = r.apart_kinds.length ? `${r.apart}` : "";
    const goal = r.async ? `${r.goal} + polls` : r.apart_goal !== undefined ? `${r.goal} + ${r.apart_goal}` : `${r.goal}`;
    const extra = r.source_fetches ? ` [+${r.source_fetches} source fetch, not OSS]` : "";
    rows.push([r.name, r.counted, goal, apart, r.error ? "ERROR" : mark(r.pass), summarize(r.requests) + extra]);
  }
  b.project_lookup.forEach((kinds, i) => {
    const counted = kinds.filter((k) => !k.startsWith("IMM GetDecodeBlindWatermarkResult") && k !== "IMM GetTask");
    rows.push([`image_watermark_extract, no --imm-project, call ${i + 1}`, counted.length, i === 0 ? "1 (+1 lookup)" : "1", `${kinds.length - counted.length}`, "", summarize(kinds)]);
  });
  rows.push([`object_download ${BIG_MIB} MiB`, b.requests.length, "1", "", mark(b.requests.length === 1 && b.requests[0] === "GetObject"), summarize(b.requests)]);
  table(rows);
  for (const r of results.requests.filter((x) => x.error)) console.log(`error: ${r.name}: ${r.error}`);
  console.log("requests: counted toward the goal; apart: verify's HeadObject and IMM task polls (GetTask / GetDecodeBlindWatermarkResult)");
  console.log("");
  const mib = (kb) => `${(kb / 1024).toFixed(1)} MiB`;
  const k = b.server_kb;
  table([
    ["figure", "value", "goal", ""],
    [`server peak RSS, object_download ${BIG_MIB} MiB (VmHWM after)`, mib(k.vmhwm_after), `≤ ${RSS_GOAL_MIB} MiB`, mark(results.goals.big_download_rss.pass)],
    ["  VmHWM growth during the download", mib(k.growth), "", ""],
    ["  VmRSS before / max sampled during", `${mib(k.vmrss_before)} / ${mib(k.vmrss_sampled_max)}`, "", ""],
    ["  time, throughput (emulator → proxy → server → disk)", `${(b.wall_ms / 1000).toFixed(1)} s, ${b.mib_per_s.toFixed(0)} MiB/s`, "", ""],
    ["  bytes on disk / object", `${b.downloaded_bytes} / ${b.object_bytes}`, "", b.downloaded_bytes === b.object_bytes ? "ok" : "WRONG"],
    ["  emulator VmHWM (informative)", `${mib(b.emulator_kb.vmhwm_before)} → ${mib(b.emulator_kb.vmhwm_after)}`, "", ""],
  ]);
  console.log("");
  const m = results.machine;
  console.log(`machine: ${m.cpu}, ${m.cores} cores, load ${m.loadavg.join(" ")} → ${m.loadavg_after.join(" ")}, node ${m.node}, commit ${m.commit}`);
  writeFileSync(path.join(RESULTS, "oss.json"), JSON.stringify(results, null, 2) + "\n");
  console.log(`results: ${path.relative(ROOT, path.join(RESULTS, "oss.json"))}`);
}

await main();
