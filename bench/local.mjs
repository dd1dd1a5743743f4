// Local-backend benchmark (run through bench/local.sh; see bench/README.md). One server process
// over stdio, driven with raw newline-delimited JSON-RPC (no client library), against the
// command-line tools on the same files:
//   - resize 5000x5000 JPEG -> 600 px: image_process (the first call, which starts the image
//     worker, reported apart; then BENCH_RESIZE_N warm calls) vs `vipsthumbnail`; peak RSS =
//     the worker's VmHWM + the server's VmHWM growth vs the CLI's ru_maxrss;
//   - two concurrent image_process calls vs one: throughput ratio;
//   - 10 s 1280x720 transcode: video_transcode vs `ffmpeg` with the argument vector the server
//     ran (taken from its debug log), BENCH_TRANSCODE_N runs each;
//   - cold start: spawn -> initialize -> tools/list (raw_pipe_client cold), as in bench.mjs.
// Prints one table and writes bench/results/local.json.
import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { RESULTS, ROOT, RawSession, childrenNamed, cpuOwn, cpuWithChildren, machine, median, ms, procStatus, sh } from "./lib.mjs";
const MEDIA = path.join(RESULTS, "local-media");
const RAW = process.env.RAW_PIPE_CLIENT ?? path.join(RESULTS, "bin/raw_pipe_client");
const BIN = path.resolve(process.env.OMM_BIN ?? path.join(ROOT, "build-bench/src/oss-media-mcp"));
const FOUNDATION_BIN = process.env.BENCH_FOUNDATION_BIN ? path.resolve(process.env.BENCH_FOUNDATION_BIN) : null;

const env = (name, dflt) => Number(process.env[name] ?? dflt);
const RESIZE_N = env("BENCH_RESIZE_N", 15);
const PAIR_N = env("BENCH_PAIR_N", 8);
const TRANSCODE_N = env("BENCH_TRANSCODE_N", 7);
const COLD_N = env("BENCH_COLD_N", 20);
const FOUNDATION_COLD_MS = 4.8; // bench/run.sh before the product tools were registered
const QUALITY = 85; // image_process's JPEG default; vipsthumbnail is given the same

// Goals of issue #4 (items 4 and 5).
const GOALS = {
  resize_wall: 0.8, // ratio to vipsthumbnail, at most
  resize_rss: 1.2, // ratio to vipsthumbnail, at most
  concurrency: 1.7, // throughput of two concurrent calls vs one, at least
  transcode_wall: 1.05, // ratio to ffmpeg, at most
  cold_start: 1.2, // ratio to the foundation's median, at most
};

const log = (s) => process.stderr.write(`bench-local: ${s}\n`);

// --- media --------------------------------------------------------------------------------------

function makeMedia() {
  mkdirSync(MEDIA, { recursive: true });
  const jpg = path.join(MEDIA, "in-5000.jpg");
  const mp4 = path.join(MEDIA, "in-720p-10s.mp4");
  if (!existsSync(jpg)) {
    log("generating a 5000x5000 JPEG");
    sh("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=5000x5000,noise=alls=12:allf=t",
      "-frames:v", "1", "-q:v", "3", jpg]);
  }
  if (!existsSync(mp4)) {
    log("generating a 10 s 1280x720 video");
    sh("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=10",
      "-f", "lavfi", "-i", "sine=frequency=440:duration=10", "-c:v", "libx264", "-preset", "veryfast",
      "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", mp4]);
  }
  return { jpg, mp4 };
}

// Independent checks of outputs.
const vipsSize = (file) => sh("vipsheader", ["-f", "width", file]).trim() + "x" + sh("vipsheader", ["-f", "height", file]).trim();
function probe(file) {
  const j = JSON.parse(sh("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height:format=duration", "-of", "json", file]));
  return { streams: j.streams.map((s) => s.codec_name + (s.width ? `:${s.width}x${s.height}` : "")).join(","), duration: Number(j.format.duration) };
}

// --- the figures --------------------------------------------------------------------------------

async function resizeFigures(s, root, media) {
  const args = (key) => ({ source: { key: "in-5000.jpg" }, operations: [{ op: "resize", w: 600 }], output: { mode: "save", target_key: key } });
  const base = procStatus(s.pid);
  log("resize: first call (starts the image worker)");
  const first = await s.callTool("image_process", args("out/first.jpg"));
  const workers = childrenNamed(s.pid, "oss-media-engine-image");
  if (workers.length !== 1) throw new Error(`expected one image worker, found ${workers.length}`);
  const cpuOf = () => cpuOwn(s.pid) + cpuOwn(workers[0]);
  const cpu0 = cpuOf();
  const warm = [];
  log(`resize: ${RESIZE_N} warm calls`);
  for (let i = 0; i < RESIZE_N; i++) warm.push((await s.callTool("image_process", args("out/warm.jpg"))).ms);
  const cpuPerCall = ((cpuOf() - cpu0) * 1000) / RESIZE_N;
  const worker = procStatus(workers[0]);
  const server = procStatus(s.pid);
  const ours = path.join(root, "out/warm.jpg");

  log(`resize: ${RESIZE_N} vipsthumbnail runs`);
  const cliOut = path.join(root, "cli-thumb.jpg");
  // Same output as image_process: 600 px box, JPEG Q 85 with optimised Huffman tables, no
  // interlace; both shrink on load by 4 (vipsthumbnail --vips-info: "loading with factor 4").
  const cliArgv = ["vipsthumbnail", media.jpg, "-s", "600", "-o", `${cliOut}[Q=${QUALITY},optimize_coding]`];
  const cli = JSON.parse(sh(RAW, ["run", "--iterations", String(RESIZE_N), "--", ...cliArgv]));

  const oursMs = median(warm);
  const cliMs = cli.wall.median_us / 1000;
  const oursKb = worker.VmHWM + (server.VmHWM - base.VmRSS);
  return {
    first_call_ms: first.ms,
    worker_start_ms: first.ms - oursMs,
    warm_ms: { median: oursMs, min: Math.min(...warm), max: Math.max(...warm), n: warm.length },
    cli_ms: { median: cliMs, min: cli.wall.min_us / 1000, max: cli.wall.max_us / 1000, n: cli.wall.n },
    cli_argv: cliArgv,
    wall_ratio: oursMs / cliMs,
    cpu_ms: { ours_per_call: cpuPerCall, cli_median: cli.cpu.median_us / 1000 },
    rss_kb: { worker_vmhwm: worker.VmHWM, server_rss_before: base.VmRSS, server_vmhwm_after: server.VmHWM, ours: oursKb, cli_maxrss: cli.maxrss_kb },
    rss_ratio: oursKb / cli.maxrss_kb,
    outputs: { ours: vipsSize(ours), ours_bytes: statSync(ours).size, cli: vipsSize(cliOut), cli_bytes: statSync(cliOut).size },
  };
}

async function concurrencyFigures(s, media) {
  const args = (key) => ({ source: { key: "in-5000.jpg" }, operations: [{ op: "resize", w: 600 }], output: { mode: "save", target_key: key } });
  // Both calls' own latencies tell overlap from queueing: serialised calls finish at ~1x and
  // ~2x a single call; overlapping ones both near the pair's wall time.
  const pair = async () => {
    const t0 = process.hrtime.bigint();
    const both = await Promise.all([s.callTool("image_process", args("out/a.jpg")), s.callTool("image_process", args("out/b.jpg"))]);
    return { ms: ms(t0), each: both.map((r) => r.ms).sort((a, b) => a - b) };
  };
  log("concurrency: warm-up pair (starts the second worker)");
  await pair();
  const single = [];
  const pairs = [];
  log(`concurrency: ${PAIR_N} rounds of one call, then two concurrent calls`);
  for (let i = 0; i < PAIR_N; i++) {
    single.push((await s.callTool("image_process", args("out/a.jpg"))).ms);
    pairs.push(await pair());
  }
  const workers = childrenNamed(s.pid, "oss-media-engine-image").length;
  const one = median(single);
  const two = median(pairs.map((p) => p.ms));
  // The machine's own ceiling for this work: PAIR_N vipsthumbnail runs, alone vs two such
  // sequences side by side (busy cores give less than 2x whatever the server does). One libvips
  // thread each, as in an engine worker.
  log(`concurrency: vipsthumbnail ${PAIR_N} runs alone, then two sequences side by side`);
  const cliArgv = (out) => ["run", "--iterations", String(PAIR_N), "--", "vipsthumbnail", media.jpg, "-s", "600", "-o", `${out}[Q=${QUALITY},optimize_coding]`];
  const runAsync = (argv) => new Promise((resolve, reject) => execFile(RAW, argv, { env: { ...process.env, VIPS_CONCURRENCY: "1" } }, (e) => (e ? reject(e) : resolve())));
  const dir = path.dirname(media.jpg);
  let t0 = process.hrtime.bigint();
  await runAsync(cliArgv(path.join(dir, "pair-a.jpg")));
  const cliOne = ms(t0);
  t0 = process.hrtime.bigint();
  await Promise.all([runAsync(cliArgv(path.join(dir, "pair-a.jpg"))), runAsync(cliArgv(path.join(dir, "pair-b.jpg")))]);
  const cliTwo = ms(t0);
  return {
    single_ms: one,
    pair_ms: two,
    pair_first_done_ms: median(pairs.map((p) => p.each[0])),
    pair_second_done_ms: median(pairs.map((p) => p.each[1])),
    workers,
    throughput_ratio: (2 * one) / two,
    cli_throughput_ratio: (2 * cliOne) / cliTwo,
  };
}

// CPU seconds of the server with its reaped children (ffmpeg) plus the live probe engine worker's
// own (it stays warm, so it is never reaped).
const cpuWithProbeWorker = (pid) =>
  cpuWithChildren(pid) + childrenNamed(pid, "oss-media-engine-probe").reduce((sum, w) => sum + cpuOwn(w), 0);

// Server and CLI runs alternate (S C S C …) so that a change of load hits both alike. CPU time
// is compared too: the server's own plus its reaped children's (ffmpeg) and the warm probe
// worker's vs ffmpeg's.
async function transcodeFigures(s, root) {
  const args = { source: { key: "in-720p-10s.mp4" }, f: "mp4", vcodec: "h264", vb: 2000000, acodec: "aac", ab: 128000, output: { mode: "save", target_key: "out/t.mp4" }, wait_seconds: 600 };
  const ours = [];
  const oursCpu = [];
  const serverRun = async (i) => {
    log(`transcode: video_transcode ${i + 1}/${TRANSCODE_N}`);
    const c0 = cpuWithProbeWorker(s.pid);
    const t0 = process.hrtime.bigint();
    let r = await s.callTool("video_transcode", args);
    while (r.sc.status === "running") r = await s.callTool("job_status", { job_id: r.sc.job_id, wait_seconds: 600 });
    if (r.sc.status && r.sc.status !== "succeeded") throw new Error(`video_transcode ended ${r.sc.status}`);
    ours.push(ms(t0));
    oursCpu.push((cpuWithProbeWorker(s.pid) - c0) * 1000);
  };
  await serverRun(0);
  const argvLines = [...s.stderr.matchAll(/ffmpeg argv: (\[.*\])/g)].map((m) => JSON.parse(m[1]));
  if (argvLines.length === 0) throw new Error("the server logged no ffmpeg argv (needs --log-level debug)");
  const argv = argvLines.at(-1);
  const cliOut = path.join(root, "cli-t.mp4");
  const cliArgv = [...argv.slice(0, -1), cliOut]; // the output path is the last argument
  const cli = [];
  const cliCpu = [];
  for (let i = 0; i < TRANSCODE_N; i++) {
    log(`transcode: ffmpeg CLI ${i + 1}/${TRANSCODE_N}`);
    const r = JSON.parse(sh(RAW, ["run", "--iterations", "1", "--", ...cliArgv]));
    cli.push(r.wall.median_us / 1000);
    cliCpu.push(r.cpu.median_us / 1000);
    if (i + 1 < TRANSCODE_N) await serverRun(i + 1);
  }
  const oursMs = median(ours);
  const cliMs = median(cli);
  return {
    ours_ms: { median: oursMs, runs: ours, cpu_runs: oursCpu },
    cli_ms: { median: cliMs, runs: cli, cpu_runs: cliCpu },
    server_argv: argv,
    wall_ratio: oursMs / cliMs,
    paired_wall_ratio: median(cli.map((c, i) => ours[i] / c)), // S_i / C_i, adjacent runs
    cpu_ratio: median(oursCpu) / median(cliCpu),
    outputs: { ours: probe(path.join(root, "out/t.mp4")), cli: probe(cliOut) },
  };
}

// With BENCH_FOUNDATION_BIN (a release build of the foundation, e.g. commit a0ad5a0, the last
// before the product tools), both binaries are measured in alternating rounds under the same
// load, and that ratio is reported next to the one against the recorded 4.8 ms.
function coldFigures(dir) {
  const cold = (bin, n) =>
    JSON.parse(execFileSync(RAW, ["cold", "--iterations", String(n), "--", bin, "serve"], { cwd: dir, encoding: "utf8" }));
  log(`cold start: ${COLD_N} runs`);
  const ours = cold(BIN, COLD_N);
  const med = ours.spawn_to_tools_list.median_us / 1000;
  const out = { median_ms: med, p90_ms: ours.spawn_to_tools_list.p90_us / 1000, cpu_ms: ours.cpu.median_us / 1000, foundation_ms: FOUNDATION_COLD_MS, ratio: med / FOUNDATION_COLD_MS };
  if (FOUNDATION_BIN) {
    log(`cold start: alternating rounds with the foundation binary ${FOUNDATION_BIN}`);
    const rounds = { ours: [], foundation: [], ours_cpu: [], foundation_cpu: [] };
    for (let i = 0; i < 4; i++) {
      for (const [key, bin] of [["ours", BIN], ["foundation", FOUNDATION_BIN]]) {
        const r = cold(bin, Math.max(1, Math.round(COLD_N / 4)));
        rounds[key].push(r.spawn_to_tools_list.median_us / 1000);
        rounds[`${key}_cpu`].push(r.cpu.median_us / 1000);
      }
    }
    out.same_load = {
      ours_ms: median(rounds.ours),
      foundation_ms: median(rounds.foundation),
      ours_cpu_ms: median(rounds.ours_cpu),
      foundation_cpu_ms: median(rounds.foundation_cpu),
    };
    out.same_load.ratio = out.same_load.ours_ms / out.same_load.foundation_ms;
    out.same_load.cpu_ratio = out.same_load.ours_cpu_ms / out.same_load.foundation_cpu_ms;
  }
  return out;
}

// --- report -------------------------------------------------------------------------------------

async function main() {
  const media = makeMedia();
  const dir = mkdtempSync(path.join(os.tmpdir(), "omm-bench-local-"));
  const root = path.join(dir, "root");
  mkdirSync(path.join(root, "out"), { recursive: true });
  copyFileSync(media.jpg, path.join(root, "in-5000.jpg"));
  copyFileSync(media.mp4, path.join(root, "in-720p-10s.mp4"));
  const results = { when: new Date().toISOString(), machine: machine(BIN), settings: { RESIZE_N, PAIR_N, TRANSCODE_N, COLD_N } };
  const s = new RawSession([BIN, "serve", "--root", root, "--output-dir", path.join(dir, "outputs"), "--log-level", "debug"], { cwd: dir });
  try {
    await s.init("bench-local");
    await s.request("tools/list", {});
    results.resize = await resizeFigures(s, root, media);
    results.concurrency = await concurrencyFigures(s, media);
    results.transcode = await transcodeFigures(s, root);
  } catch (e) {
    process.stderr.write(s.stderr.split("\n").slice(-20).join("\n") + "\n");
    throw e;
  } finally {
    await s.close();
  }
  results.cold_start = coldFigures(dir);
  results.machine.loadavg_after = os.loadavg().map((l) => Number(l.toFixed(2)));
  rmSync(dir, { recursive: true, force: true });

  const r = results.resize;
  const c = results.concurrency;
  const t = results.transcode;
  const k = results.cold_start;
  results.goals = {
    resize_wall: { value: r.wall_ratio, goal: `<= ${GOALS.resize_wall}x`, pass: r.wall_ratio <= GOALS.resize_wall },
    resize_rss: { value: r.rss_ratio, goal: `<= ${GOALS.resize_rss}x`, pass: r.rss_ratio <= GOALS.resize_rss },
    concurrency: { value: c.throughput_ratio, goal: `>= ${GOALS.concurrency}x`, pass: c.throughput_ratio >= GOALS.concurrency },
    transcode_wall: { value: t.wall_ratio, goal: `<= ${GOALS.transcode_wall}x`, pass: t.wall_ratio <= GOALS.transcode_wall },
    cold_start: { value: k.ratio, goal: `<= ${GOALS.cold_start}x`, pass: k.ratio <= GOALS.cold_start },
  };

  const f1 = (v) => v.toFixed(1);
  const mib = (kb) => `${(kb / 1024).toFixed(1)} MiB`;
  const g = results.goals;
  const mark = (x) => (x.pass ? "MET" : "MISS");
  const rows = [
    ["figure", "oss-media-mcp", "CLI / baseline", "ratio", "goal", ""],
    [`resize 5000² JPEG → 600 px, warm, median of ${r.warm_ms.n}`, `${f1(r.warm_ms.median)} ms`, `${f1(r.cli_ms.median)} ms (vipsthumbnail)`, r.wall_ratio.toFixed(2) + "×", g.resize_wall.goal, mark(g.resize_wall)],
    ["  CPU time per call (server + worker, warm)", `${f1(r.cpu_ms.ours_per_call)} ms`, `${f1(r.cpu_ms.cli_median)} ms (vipsthumbnail)`, (r.cpu_ms.ours_per_call / r.cpu_ms.cli_median).toFixed(2) + "×", "", ""],
    ["resize peak RSS (worker VmHWM + server growth)", mib(r.rss_kb.ours), `${mib(r.rss_kb.cli_maxrss)} (vipsthumbnail)`, r.rss_ratio.toFixed(2) + "×", g.resize_rss.goal, mark(g.resize_rss)],
    ["resize first call (incl. worker start)", `${f1(r.first_call_ms)} ms`, `worker start ≈ ${f1(r.worker_start_ms)} ms`, "", "", ""],
    [`two concurrent resizes vs one (${c.workers} workers)`, `${f1(c.pair_ms)} ms for 2`, `${f1(c.single_ms)} ms for 1`, c.throughput_ratio.toFixed(2) + "× throughput", g.concurrency.goal, mark(g.concurrency)],
    ["  the pair's calls finish after", `${f1(c.pair_first_done_ms)} / ${f1(c.pair_second_done_ms)} ms`, "vipsthumbnail 2 vs 1, 1 thread", c.cli_throughput_ratio.toFixed(2) + "× (machine ceiling)", "", ""],
    [`transcode 10 s 720p → h264, median of ${TRANSCODE_N}, alternating`, `${f1(t.ours_ms.median / 1000)} s`, `${f1(t.cli_ms.median / 1000)} s (ffmpeg)`, t.wall_ratio.toFixed(3) + "×", g.transcode_wall.goal, mark(g.transcode_wall)],
    ["  adjacent runs (server / CLI), median of ratios", "", "", t.paired_wall_ratio.toFixed(3) + "×", "", ""],
    ["  CPU time (server + ffmpeg child + probe worker)", `${f1(median(t.ours_ms.cpu_runs) / 1000)} s`, `${f1(median(t.cli_ms.cpu_runs) / 1000)} s (ffmpeg)`, t.cpu_ratio.toFixed(3) + "×", "", ""],
    [`cold start spawn→tools/list, median of ${COLD_N}`, `${k.median_ms.toFixed(2)} ms`, `${k.foundation_ms} ms (foundation)`, k.ratio.toFixed(2) + "×", g.cold_start.goal, mark(g.cold_start)],
    ["  the server's CPU time per start (user + sys)", `${k.cpu_ms.toFixed(2)} ms`, "", "", "", ""],
    ...(k.same_load
      ? [
          ["  same load, alternating with the foundation binary", `${k.same_load.ours_ms.toFixed(2)} ms`, `${k.same_load.foundation_ms.toFixed(2)} ms (foundation)`, k.same_load.ratio.toFixed(2) + "×", g.cold_start.goal, k.same_load.ratio <= GOALS.cold_start ? "MET" : "MISS"],
          ["  CPU time per start, same load", `${k.same_load.ours_cpu_ms.toFixed(2)} ms`, `${k.same_load.foundation_cpu_ms.toFixed(2)} ms (foundation)`, k.same_load.cpu_ratio.toFixed(2) + "×", "", ""],
        ]
      : []),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  console.log(line(rows[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log("");
  console.log(`outputs: resize ours ${r.outputs.ours} ${r.outputs.ours_bytes} B, vipsthumbnail ${r.outputs.cli} ${r.outputs.cli_bytes} B; ` +
    `transcode ours ${t.outputs.ours.streams} ${t.outputs.ours.duration.toFixed(2)} s, ffmpeg ${t.outputs.cli.streams} ${t.outputs.cli.duration.toFixed(2)} s`);
  const m = results.machine;
  console.log(`machine: ${m.cpu}, ${m.cores} cores, load ${m.loadavg.join(" ")} → ${m.loadavg_after.join(" ")}, commit ${m.commit}`);
  console.log("figures are provisional when the load average is above zero: other work shares the cores");
  writeFileSync(path.join(RESULTS, "local.json"), JSON.stringify(results, null, 2) + "\n");
  console.log(`results: ${path.relative(ROOT, path.join(RESULTS, "local.json"))}`);
}

await main();
