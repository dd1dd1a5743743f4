// Batch benchmark (run through bench/batch.sh; see bench/README.md). Issue #11, acceptance 3:
//   - local: one batch_process call resizes BENCH_BATCH_N (1000) 2000x1500 JPEGs to 400 px under a
//     target prefix, against `ls | xargs -P<workers> -n1 vipsthumbnail` on the same files (one
//     process per file, as many at once as the server has image workers), and against the same
//     with many files per vipsthumbnail process (`-n` N/workers: no process start per file, the
//     strongest CLI form); peak RSS of server + workers, whole processes (the largest sum of their
//     VmRSS sampled every 25 ms; and the sum of their VmHWM, which is at least that) against one
//     vipsthumbnail's ru_maxrss per worker;
//   - oss: one batch_process call over BENCH_OSS_N (1000) small JPEGs in `emulate`, behind the
//     counting proxy of lib.mjs: HTTP requests per item (by kind) and TCP connections opened.
// Every output is checked with vipsheader (all of them, in one call per 500 files). Prints one
// table and writes bench/results/batch.json.
import { execFile } from "node:child_process";
import { existsSync, linkSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { EMU_AK, EMU_SK, RESULTS, ROOT, RawSession, childrenNamed, machine, ms, procStatus, sh, sleep, startEmulator, startProxy, stop, table } from "./lib.mjs";

const RAW = process.env.RAW_PIPE_CLIENT ?? path.join(RESULTS, "bin/raw_pipe_client");
const BIN = path.resolve(process.env.OMM_BIN ?? path.join(ROOT, "build-bench/src/oss-media-mcp"));
const MEDIA = path.join(RESULTS, "batch-media");
const N = Number(process.env.BENCH_BATCH_N ?? 1000);
const OSS_N = Number(process.env.BENCH_OSS_N ?? 1000);
const DISTINCT = 10; // distinct source images; the N files are hard links (or copies) of them
const QUALITY = 85; // image_process's JPEG default; vipsthumbnail is given the same
const GOALS = { speed: 4, rss: 1.2, requests_extra: 0.05 };

const log = (s) => process.stderr.write(`bench-batch: ${s}\n`);

// --- media --------------------------------------------------------------------------------------

function makeBases(w, h, tag) {
  mkdirSync(MEDIA, { recursive: true });
  const bases = [];
  for (let i = 0; i < DISTINCT; i++) {
    const f = path.join(MEDIA, `${tag}-${i}.jpg`);
    if (!existsSync(f)) {
      log(`generating ${f}`);
      sh("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", `testsrc2=size=${w}x${h},hue=h=${i * 36},noise=alls=10:allf=t:all_seed=${i + 1}`,
        "-frames:v", "1", "-q:v", "3", f]);
    }
    bases.push(f);
  }
  return bases;
}

// n files img-0000.jpg … in `dir`, hard links of the bases when the file system allows it.
function populate(dir, bases, n) {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const to = path.join(dir, `img-${String(i).padStart(4, "0")}.jpg`);
    try {
      linkSync(bases[i % bases.length], to);
    } catch {
      copyFileSync(bases[i % bases.length], to);
    }
  }
}

// "WxH" of every file, through vipsheader (many files per call).
function sizes(files) {
  const out = new Map();
  for (let i = 0; i < files.length; i += 500) {
    const text = sh("vipsheader", files.slice(i, i + 500));
    for (const line of text.trim().split("\n")) {
      const m = /^(.*): (\d+)x(\d+) /.exec(line);
      if (m) out.set(m[1], `${m[2]}x${m[3]}`);
    }
  }
  return files.map((f) => out.get(f) ?? "unreadable");
}

const run = (cmd, args, opts = {}) =>
  new Promise((resolve, reject) =>
    execFile(cmd, args, { maxBuffer: 64 << 20, ...opts }, (e, stdout, stderr) => (e ? reject(new Error(`${cmd}: ${e.message} ${stderr}`)) : resolve(stdout))));

// Waits for a batch answer to leave "running" (job_status with wait_seconds).
async function finish(s, first) {
  let sc = first.sc;
  while (sc.status === "running") sc = (await s.callTool("job_status", { job_id: sc.job_id, wait_seconds: 600 })).sc;
  return sc;
}

// --- local ------------------------------------------------------------------------------------

async function localFigures(w) {
  const bases = makeBases(2000, 1500, "big");
  const root = path.join(w, "root");
  populate(path.join(root, "photos"), bases, N);
  const s = new RawSession([BIN, "serve", "--root", root, "--output-dir", path.join(w, "outputs"), "--log-level", "warn"],
    { cwd: w, env: { ...process.env, XDG_STATE_HOME: path.join(w, "state") } });
  const out = {};
  try {
    await s.init("bench-batch");
    // One image first, so the worker start is not in the figure (the CLI side pays its starts).
    await s.callTool("image_process", { source: { key: "photos/img-0000.jpg" }, operations: [{ op: "resize", w: 400 }], output: { mode: "save", target_key: "warm.jpg" } });
    const base = procStatus(s.pid);
    let peak = 0;
    const sample = () => {
      let sum = 0;
      for (const pid of [s.pid, ...childrenNamed(s.pid, "oss-media-engine-image")]) {
        try {
          sum += procStatus(pid).VmRSS;
        } catch {
          /* gone */
        }
      }
      peak = Math.max(peak, sum);
    };
    const timer = setInterval(sample, 25);
    log(`local: batch_process over ${N} images`);
    const t0 = process.hrtime.bigint();
    const sc = await finish(s, await s.callTool("batch_process", {
      tool: "image_process", source: { prefix: "photos/", suffixes: [".jpg"] }, arguments: { operations: [{ op: "resize", w: 400 }] },
      output: { mode: "save", target_prefix: "thumbs/" }, max_items: N, wait_seconds: 600,
    }, { progressToken: "batch" }));
    out.server_ms = ms(t0);
    clearInterval(timer);
    sample();
    const workers = childrenNamed(s.pid, "oss-media-engine-image");
    const hwm = [s.pid, ...workers].reduce((sum, pid) => sum + procStatus(pid).VmHWM, 0);
    out.answer = { status: sc.status, total: sc.total, done: sc.done, failed: sc.failed };
    out.workers = workers.length;
    out.rss_kb = { sampled_peak_sum: peak, vmhwm_sum: hwm, server_before: base.VmRSS, server_vmhwm: procStatus(s.pid).VmHWM };
    out.progress_notifications = s.notifications.get("notifications/progress") ?? 0;
  } catch (e) {
    process.stderr.write(s.stderr.split("\n").slice(-20).join("\n") + "\n");
    throw e;
  } finally {
    await s.close();
  }
  const thumbs = readdirSync(path.join(root, "thumbs")).map((f) => path.join(root, "thumbs", f));
  const got = sizes(thumbs);
  out.outputs = { files: thumbs.length, all_400x300: got.every((x) => x === "400x300"), sizes: [...new Set(got)] };

  // The CLI on the same files, as many at once as the server had workers.
  const photos = path.join(root, "photos");
  const workers = out.workers;
  const cliRun = async (perProcess, dir) => {
    mkdirSync(dir, { recursive: true });
    const t0 = process.hrtime.bigint();
    await run("bash", ["-c", `ls | xargs -P${workers} -n${perProcess} vipsthumbnail -s 400 -o "${dir}/%s.jpg[Q=${QUALITY},optimize_coding]"`], { cwd: photos });
    return ms(t0);
  };
  log(`cli: ls | xargs -P${workers} -n1 vipsthumbnail (one process per file)`);
  out.cli_n1_ms = await cliRun(1, path.join(w, "cli-n1"));
  const per = Math.ceil(N / workers);
  log(`cli: ls | xargs -P${workers} -n${per} vipsthumbnail (${workers} processes)`);
  out.cli_batched_ms = await cliRun(per, path.join(w, "cli-batched"));
  out.cli_batched_per_process = per;
  const cliFiles = readdirSync(path.join(w, "cli-n1")).map((f) => path.join(w, "cli-n1", f));
  const cliSizes = sizes(cliFiles);
  out.cli_outputs = { files: cliFiles.length, all_400x300: cliSizes.every((x) => x === "400x300") };
  // One vipsthumbnail's peak RSS on one of these files.
  const one = JSON.parse(sh(RAW, ["run", "--iterations", "5", "--", "vipsthumbnail", bases[0], "-s", "400", "-o", `${path.join(w, "one.jpg")}[Q=${QUALITY},optimize_coding]`]));
  out.cli_maxrss_kb = one.maxrss_kb;
  out.cli_one_ms = one.wall.median_us / 1000;
  out.speed_ratio = out.cli_n1_ms / out.server_ms;
  out.speed_ratio_batched = out.cli_batched_ms / out.server_ms;
  out.rss_ratio = out.rss_kb.sampled_peak_sum / (workers * out.cli_maxrss_kb);
  out.rss_ratio_hwm = out.rss_kb.vmhwm_sum / (workers * out.cli_maxrss_kb);
  return out;
}

// --- oss ----------------------------------------------------------------------------------------

async function ossFigures(w) {
  const bases = makeBases(320, 240, "small");
  const bucket = "media";
  populate(path.join(w, bucket, "photos"), bases, OSS_N);
  const emu = await startEmulator(BIN, w);
  const proxy = await startProxy(emu.port);
  const endpoint = `http://127.0.0.1:${proxy.port}`;
  const s = new RawSession([BIN, "serve", "--backend", "oss", "--bucket", bucket, "--endpoint", endpoint, "--imm-endpoint", endpoint,
    "--output-dir", path.join(w, "outputs"), "--log-level", "warn"], {
    cwd: w,
    env: { PATH: process.env.PATH, HOME: path.join(w, "home"), XDG_STATE_HOME: path.join(w, "oss-state"), ALIBABA_CLOUD_ACCESS_KEY_ID: EMU_AK,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: EMU_SK, ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true" },
  });
  const out = {};
  try {
    await s.init("bench-batch");
    const from = proxy.seen.length;
    const conn0 = proxy.connections();
    log(`oss: batch_process over ${OSS_N} images (emulate)`);
    const t0 = process.hrtime.bigint();
    const sc = await finish(s, await s.callTool("batch_process", {
      tool: "image_process", source: { prefix: "photos/", suffixes: [".jpg"] }, arguments: { operations: [{ op: "resize", w: 100 }] },
      output: { mode: "save", target_prefix: "thumbs/" }, max_items: OSS_N, wait_seconds: 600,
    }));
    out.ms = ms(t0);
    await sleep(50);
    const seen = proxy.seen.slice(from);
    const kinds = {};
    for (const r of seen) kinds[r.what] = (kinds[r.what] ?? 0) + 1;
    out.answer = { status: sc.status, total: sc.total, done: sc.done, failed: sc.failed };
    out.requests = seen.length;
    out.kinds = kinds;
    out.non_2xx = seen.filter((r) => r.status < 200 || r.status > 299).length;
    out.connections = proxy.connections() - conn0;
    out.concurrency = 8; // oss_backend::OssExecutor::batch_concurrency
    out.requests_per_item = seen.length / OSS_N;
    const saveas = kinds["POST ?x-oss-process (saveas)"] ?? 0;
    out.extra_per_item = (seen.length - saveas) / OSS_N;
    const thumbs = readdirSync(path.join(w, bucket, "thumbs")).map((f) => path.join(w, bucket, "thumbs", f));
    const got = sizes(thumbs);
    out.outputs = { files: thumbs.length, all_100x75: got.every((x) => x === "100x75") };
  } catch (e) {
    process.stderr.write(s.stderr.split("\n").slice(-20).join("\n") + "\n");
    process.stderr.write(emu.stderr().split("\n").slice(-20).join("\n") + "\n");
    throw e;
  } finally {
    await s.close();
    proxy.server.close();
    await stop(emu.proc);
  }
  return out;
}

// --- report -------------------------------------------------------------------------------------

async function main() {
  const w = mkdtempSync(path.join(os.tmpdir(), "omm-bench-batch-"));
  const results = { when: new Date().toISOString(), machine: machine(BIN), settings: { N, OSS_N } };
  try {
    results.local = await localFigures(w);
    results.oss = await ossFigures(w);
  } finally {
    rmSync(w, { recursive: true, force: true });
  }
  results.machine.loadavg_after = os.loadavg().map((l) => Number(l.toFixed(2)));
  const l = results.local;
  const o = results.oss;
  results.goals = {
    speed: { value: l.speed_ratio, goal: `>= ${GOALS.speed}x`, pass: l.speed_ratio >= GOALS.speed && l.outputs.all_400x300 && l.outputs.files === N },
    rss: { value: l.rss_ratio, goal: `<= ${GOALS.rss}x`, pass: l.rss_ratio <= GOALS.rss },
    requests: { value: o.requests_per_item, goal: `<= 1 + ${GOALS.requests_extra}`, pass: o.extra_per_item <= GOALS.requests_extra && o.answer.done === OSS_N },
    connections: { value: o.connections, goal: `<= ${o.concurrency}`, pass: o.connections <= o.concurrency },
  };
  const g = results.goals;
  const mark = (x) => (x.pass ? "MET" : "MISS");
  const s1 = (v) => `${(v / 1000).toFixed(1)} s`;
  const mib = (kb) => `${(kb / 1024).toFixed(1)} MiB`;
  table([
    ["figure", "oss-media-mcp", "CLI / reference", "ratio", "goal", ""],
    [`local: ${N} JPEGs 2000×1500 → 400 px, one batch_process (${l.workers} workers)`, s1(l.server_ms), `${s1(l.cli_n1_ms)} (xargs -P${l.workers} -n1 vipsthumbnail)`, `${l.speed_ratio.toFixed(2)}× faster`, g.speed.goal, mark(g.speed)],
    ["  against vipsthumbnail with many files per process", "", `${s1(l.cli_batched_ms)} (xargs -P${l.workers} -n${l.cli_batched_per_process})`, `${l.speed_ratio_batched.toFixed(2)}×`, "", ""],
    ["  peak RSS, server + workers (sum of VmRSS, sampled)", mib(l.rss_kb.sampled_peak_sum), `${l.workers} × ${mib(l.cli_maxrss_kb)} (one vipsthumbnail each)`, `${l.rss_ratio.toFixed(2)}×`, g.rss.goal, mark(g.rss)],
    ["  the sum of each process's own peak (VmHWM), an upper bound", mib(l.rss_kb.vmhwm_sum), `server alone ${mib(l.rss_kb.server_vmhwm)}`, `${l.rss_ratio_hwm.toFixed(2)}×`, "", ""],
    ["  answer; outputs (vipsheader)", `${l.answer.status} ${l.answer.done}/${l.answer.total}, ${l.answer.failed} failed`, `${l.outputs.files} files, all 400×300: ${l.outputs.all_400x300}`, "", "", ""],
    [`oss (emulate): ${OSS_N} JPEGs → 100 px, one batch_process`, `${o.requests} requests`, Object.entries(o.kinds).map(([k, v]) => `${v}× ${k}`).join(", "), `${o.requests_per_item.toFixed(3)} per item`, g.requests.goal, mark(g.requests)],
    ["  TCP connections opened by the server", `${o.connections}`, `concurrency ${o.concurrency}`, "", g.connections.goal, mark(g.connections)],
    ["  answer; outputs (vipsheader); time", `${o.answer.status} ${o.answer.done}/${o.answer.total}`, `${o.outputs.files} files, all 100×75: ${o.outputs.all_100x75}`, s1(o.ms), "", ""],
  ]);
  const m = results.machine;
  console.log(`\nmachine: ${m.cpu}, ${m.cores} cores, load ${m.loadavg.join(" ")} → ${m.loadavg_after.join(" ")}, commit ${m.commit}`);
  writeFileSync(path.join(RESULTS, "batch.json"), JSON.stringify(results, null, 2) + "\n");
  console.log(`results: ${path.relative(ROOT, path.join(RESULTS, "batch.json"))}`);
}

await main();
