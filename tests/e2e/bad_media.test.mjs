// Bad media on the local backend, through the official SDK client over stdio (issue #4): every
// nasty input — a zero-byte file, a truncated JPEG, text named .mp4 / .wav / .jpg, a GIF that is
// only a header, a PNG whose header claims 100000×100000, a 10-hour silent video — goes through
// every tool family it applies to. Each call must be a tool error with a stable id and a human
// message (not a protocol error, not a crash, not a hang), and the session keeps working after
// each. Across the battery the server's RSS stays flat, every engine worker's peak RSS stays
// small, no worker is replaced, and nothing is left behind: no `.omm-part-*` files, no outputs
// of failed calls, no ffmpeg children. Then engine workers and an ffmpeg child are killed
// mid-job: the call fails cleanly with [engine.crashed] and the next call succeeds.
//
// Every figure is read from outside the server: /proc for processes and memory, vipsheader and
// ffprobe for outputs.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import zlib from "node:zlib";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

import { BIN, assertBinary, sleep, waitFor } from "./lib/server.mjs";

const work = mkdtempSync(path.join(os.tmpdir(), "omm-bad-"));
const root = path.join(work, "media");
const outputs = path.join(work, "outputs");
const inputs = path.join(work, "inputs");

const MiB = 1024 * 1024;
const CALL_LIMIT_MS = 20000;  // a bad input answers well within this (a hang would not)

const sh = (cmd, args) => execFileSync(cmd, args, { encoding: "utf8" }).trim();
const ffmpeg = (...args) => sh("ffmpeg", ["-nostdin", "-v", "error", "-y", ...args]);
const vipsheader = (file, field) => sh("vipsheader", ["-f", field, file]);
const probe = (file) => JSON.parse(sh("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file]));

// --- media made here ---------------------------------------------------------------------------

// A valid PNG signature and IHDR (with its CRC) claiming width × height, a tiny IDAT and IEND.
function pngClaiming(width, height) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;  // bit depth
  ihdr[9] = 2;  // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(Buffer.alloc(64))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function makeMedia() {
  const dir = (d) => mkdirSync(path.join(root, d), { recursive: true });
  dir("in");
  dir("bad");
  dir("long");
  mkdirSync(inputs, { recursive: true });
  const file = (key) => path.join(root, key);
  ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", file("in/photo.png"));
  ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", "-q:v", "2", file("in/photo.jpg"));
  ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=1", "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
         "-shortest", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", file("in/clip.mp4"));
  ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", file("in/tone.wav"));

  writeFileSync(file("bad/zero.jpg"), "");
  writeFileSync(file("bad/zero.png"), "");
  writeFileSync(file("bad/zero.mp4"), "");
  writeFileSync(file("bad/zero.wav"), "");
  const jpeg = readFileSync(file("in/photo.jpg"));
  writeFileSync(file("bad/truncated.jpg"), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  const text = "this is not media, only a line of text\nand another one\n";
  writeFileSync(file("bad/text.mp4"), text);
  writeFileSync(file("bad/text.wav"), text);
  writeFileSync(file("bad/text.jpg"), text);
  writeFileSync(file("bad/header.gif"), Buffer.from("GIF89a\x10\x00\x10\x00", "latin1"));
  writeFileSync(file("bad/huge.png"), pngClaiming(100000, 100000));
  // Ten hours without audio at one frame per minute: 600 frames of 32×32, made in a second.
  ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=32x32:r=1/60:d=36000", "-c:v", "libx264", "-pix_fmt", "yuv420p",
         file("long/silent-10h.mp4"));
}

// --- processes ---------------------------------------------------------------------------------

// The server's child processes: { pid, exe (basename of argv[0]), cmdline }.
function childrenOf(ppid) {
  const out = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    let cmdline;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
      cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").filter(Boolean);
    } catch {
      continue;  // gone meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[1]) !== ppid || fields[0] === "Z") continue;
    out.push({ pid: Number(name), exe: path.basename(cmdline[0] ?? ""), cmdline });
  }
  return out;
}

// A field of /proc/PID/status in bytes (VmRSS, VmHWM), or null if the process is gone.
function memoryOf(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

// Every file under dir (recursively), relative to it.
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

const partials = () => [...filesUnder(root), ...filesUnder(outputs)].filter((f) => path.basename(f).startsWith(".omm-part-"));

// --- the battery -------------------------------------------------------------------------------

const key = (k) => ({ key: k });
const IMAGE_BAD = {
  "bad/zero.jpg": "engine.decode",
  "bad/zero.png": "engine.decode",
  "bad/truncated.jpg": "engine.decode",
  "bad/text.jpg": "engine.decode",
  "bad/text.mp4": "engine.decode",
  "bad/header.gif": "engine.decode",
  "bad/huge.png": "engine.limit.pixels",
};
// [key, what the message says]: images are not media for the video and audio tools.
const MEDIA_BAD = [
  ["bad/zero.mp4", /cannot read the media file/], ["bad/text.mp4", /cannot read the media file/],
  ["bad/zero.wav", /cannot read the media file/], ["bad/text.wav", /cannot read the media file/],
  ["bad/truncated.jpg", /a jpeg image, not a video or audio file/], ["bad/header.gif", /a gif image, not a video or audio file/],
];
const AUDIO_BAD = ["bad/zero.wav", "bad/text.wav", "bad/zero.mp4", "bad/text.mp4"];

let n = 0;
const target = (ext) => `out/case-${++n}.${ext}`;
const download = (ext) => `bad/case-${++n}.${ext}`;

// [label, tool, arguments, expected error id, message pattern (optional)]
function battery() {
  const cases = [];
  for (const [src, id] of Object.entries(IMAGE_BAD)) {
    const source = key(src);
    cases.push(
      [`${src}: image_process resize → save`, "image_process",
       { source, operations: [{ op: "resize", w: 64 }], output: { mode: "save", target_key: target("jpg") } }, id],
      [`${src}: image_process rotate, png → download`, "image_process",
       { source, operations: [{ op: "rotate", value: 90 }, { op: "format", value: "png" }], output: { mode: "download", path: download("png") } }, id],
      [`${src}: image_process blindwatermark embed`, "image_process",
       { source, operations: [{ op: "blindwatermark", content: "ACME" }], output: { mode: "save", target_key: target("png") } }, id],
      [`${src}: image_inspect average-hue`, "image_inspect", { source, what: "average-hue" }, id],
      [`${src}: image_detect faces`, "image_detect", { source, detect: "faces" }, id],
      [`${src}: image_detect codes`, "image_detect", { source, detect: "codes" }, id],
      [`${src}: image_watermark_extract`, "image_watermark_extract", { source, s: "medium", wait_seconds: 120 }, id],
    );
    // info reads the header only: a truncated JPEG still has a complete header.
    if (src !== "bad/truncated.jpg") cases.push([`${src}: image_inspect info`, "image_inspect", { source, what: "info" }, id]);
  }
  for (const [src, says] of MEDIA_BAD) {
    const source = key(src);
    const decode = "engine.decode";
    const named = new RegExp(`^${src.replace(".", "\\.")}: `);
    cases.push(
      [`${src}: media_info video`, "media_info", { source, kind: "video" }, decode, says],
      [`${src}: video_snapshot → url`, "video_snapshot", { source, t: 0, f: "jpg", output: { mode: "url" } }, decode, says],
      [`${src}: video_snapshot → download`, "video_snapshot", { source, t: 500, f: "png", output: { mode: "download", path: download("png") } }, decode, says],
      [`${src}: video_transcode`, "video_transcode",
       { source, f: "mp4", vcodec: "h264", acodec: "aac", output: { mode: "save", target_key: target("mp4") }, wait_seconds: 120 }, decode, says],
      [`${src}: video_animation`, "video_animation",
       { source, f: "gif", w: 64, inter: 100, num: 5, output: { mode: "save", target_key: target("gif") }, wait_seconds: 120 }, decode, says],
      [`${src}: video_frames`, "video_frames",
       { source, f: "jpg", num: 3, output: { mode: "save", target_key: `out/frames-${++n}/f` }, wait_seconds: 120 }, decode, says],
      [`${src}: video_sprite`, "video_sprite",
       { source, f: "jpg", sw: 32, sh: 32, tw: 2, th: 2, num: 4, output: { mode: "save", target_key: target("jpg") }, wait_seconds: 120 }, decode, says],
      [`${src}: media_concat after a good clip`, "media_concat",
       { kind: "video", source: key("in/clip.mp4"), inputs: [{ key: src, position: "sur" }], f: "mp4", vcodec: "h264", acodec: "aac",
         output: { mode: "save", target_key: target("mp4") }, wait_seconds: 120 }, decode, named],
      [`${src}: hls_playlist`, "hls_playlist", { source, vcodec: "h264", output: { mode: "url" } }, decode, named],
    );
  }
  for (const src of AUDIO_BAD) {
    const source = key(src);
    cases.push(
      [`${src}: media_info audio`, "media_info", { source, kind: "audio" }, "engine.decode"],
      [`${src}: audio_transcode`, "audio_transcode",
       { source, f: "mp3", ab: 128000, output: { mode: "save", target_key: target("mp3") }, wait_seconds: 120 }, "engine.decode"],
      [`${src}: audio concat after a good tone`, "media_concat",
       { kind: "audio", source: key("in/tone.wav"), inputs: [{ key: src }], f: "mp3", output: { mode: "save", target_key: target("mp3") },
         wait_seconds: 120 }, "engine.decode"],
    );
  }
  // Ten hours of silent video: work that grows with the media is refused from the probe.
  const long = key("long/silent-10h.mp4");
  const limit = "engine.limit.duration";
  const over = /10:00:00 of media \(36000 s\), over the limit of 4:00:00 \(14400 s, --max-duration\)/;
  cases.push(
    ["10 h video: video_transcode at 30 fps", "video_transcode",
     { source: long, f: "mp4", vcodec: "h264", fps: 30, output: { mode: "save", target_key: target("mp4") }, wait_seconds: 120 }, limit, over],
    ["10 h video: remux", "video_transcode", { source: long, f: "mkv", output: { mode: "save", target_key: target("mkv") }, wait_seconds: 120 }, limit, over],
    ["10 h video: video_animation of the whole video", "video_animation",
     { source: long, f: "gif", w: 32, output: { mode: "save", target_key: target("gif") }, wait_seconds: 120 }, limit, over],
    ["10 h video: video_frames every second", "video_frames",
     { source: long, f: "jpg", inter: 1000, output: { mode: "save", target_key: `out/frames-${++n}/f` }, wait_seconds: 120 }, limit, over],
    ["10 h video: video_sprite over the whole video", "video_sprite",
     { source: long, f: "jpg", sw: 32, sh: 32, num: 4, output: { mode: "save", target_key: target("jpg") }, wait_seconds: 120 }, limit, over],
    ["10 h video: media_concat of it twice", "media_concat",
     { kind: "video", source: long, inputs: [{ key: "long/silent-10h.mp4" }], f: "mp4", vcodec: "h264", acodec: "aac",
       output: { mode: "save", target_key: target("mp4") }, wait_seconds: 120 }, limit, /20:00:00 of media \(72000 s\)/],
    ["10 h video: hls_playlist", "hls_playlist", { source: long, vcodec: "h264", output: { mode: "url" } }, limit, over],
    ["10 h video: audio_transcode (it has no audio)", "audio_transcode",
     { source: long, f: "mp3", output: { mode: "save", target_key: target("mp3") }, wait_seconds: 120 }, "engine.decode", /no audio stream/],
  );
  return cases;
}

// --- the suite ---------------------------------------------------------------------------------

describe("bad media on the local backend", () => {
  let client;
  let transport;
  let serverPid;
  let stderr = "";
  const sessionLog = () => stderr.slice(-4000);

  before(async () => {
    assertBinary();
    makeMedia();
    transport = new StdioClientTransport({
      command: BIN, args: ["serve", "--root", root, "--output-dir", outputs, "--input-dir", inputs],
      stderr: "pipe", env: { PATH: process.env.PATH } });
    transport.stderr.on("data", (d) => {
      stderr = (stderr + d.toString("utf8")).slice(-200000);
    });
    client = new Client({ name: "oss-media-mcp-e2e-bad-media", version: "0.0.1" });
    await client.connect(transport);
    serverPid = transport.pid;
    assert.ok(serverPid > 0);
  });
  after(async () => {
    await client?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const call = (name, args) => client.callTool({ name, arguments: args }, undefined, { timeout: 180000 });

  // An async tool may answer `running` with a job id when the work outlasts wait_seconds.
  async function settle(r) {
    while (!r.isError && r.structuredContent?.status === "running") {
      r = await call("job_status", { job_id: r.structuredContent.job_id, wait_seconds: 60 });
    }
    return r;
  }

  async function ok(name, args) {
    const r = await settle(await call(name, args));
    assert.ok(!r.isError, `${name}: ${JSON.stringify(r.content)}\n${sessionLog()}`);
    assert.equal(r.structuredContent.success, true);
    return r.structuredContent;
  }

  // The call is a tool error `[id] message` within CALL_LIMIT_MS, and the session still answers.
  async function refused(name, args, id, pattern) {
    const t0 = performance.now();
    const r = await settle(await call(name, args));
    const ms = performance.now() - t0;
    const text = r.content?.[0]?.text ?? "";
    assert.equal(r.isError, true, `${name} succeeded: ${JSON.stringify(r.structuredContent ?? r.content)}`);
    const m = /^\[([a-z0-9_.-]+)\] (.+)$/s.exec(text);
    assert.ok(m, `not an "[id] message" error: ${text}`);
    assert.equal(m[1], id, text);
    assert.ok(m[2].length >= 20, `the message explains nothing: ${text}`);
    assert.equal(text, text.trimEnd(), "trailing whitespace in the message");
    if (pattern) assert.match(m[2], pattern);
    assert.ok(ms < CALL_LIMIT_MS, `${name} took ${ms.toFixed(0)} ms`);
    await client.ping();
    return { text, ms };
  }

  const engineWorkers = () => childrenOf(serverPid).filter((c) => c.exe.startsWith("oss-media-engine-"));
  const workersNamed = (name) => engineWorkers().filter((c) => c.exe === name);

  let rssBefore;
  let workersBefore;
  test("warm-up: the engine workers start on good media", async () => {
    // Twice each, so that the calls have passed through the server's request threads.
    for (let i = 0; i < 2; ++i) {
      await ok("image_process", { source: key("in/photo.png"), operations: [{ op: "resize", w: 80 }], output: { mode: "save", target_key: `warm/p${i}.jpg` } });
      await ok("image_inspect", { source: key("in/photo.jpg"), what: "info" });
      await ok("image_detect", { source: key("in/photo.jpg"), detect: "faces" });
      await ok("media_info", { source: key("in/clip.mp4"), kind: "video" });
      await ok("video_snapshot", { source: key("in/clip.mp4"), t: 100, f: "jpg", output: { mode: "save", target_key: `warm/s${i}.jpg` } });
    }
    await sleep(200);
    workersBefore = engineWorkers();
    assert.deepEqual(workersBefore.map((w) => w.exe).sort(), ["oss-media-engine-image", "oss-media-engine-probe", "oss-media-engine-vision"],
                     JSON.stringify(childrenOf(serverPid)));
    rssBefore = memoryOf(serverPid, "VmRSS");
    assert.ok(rssBefore > 0);
  });

  describe("the battery", () => {
    for (const [label, tool, args, id, pattern] of battery()) {
      test(`${label} → [${id}]`, async () => {
        await refused(tool, args, id, pattern);
      });
    }
  });

  test("10 h video: the cheap requests still work, fast", async () => {
    const long = key("long/silent-10h.mp4");
    const info = await ok("media_info", { source: long, kind: "video" });
    assert.equal(Math.round(Number(info.data.Format.Duration)), 36000);
    assert.deepEqual(info.data.Streams.AudioStream, []);
    // A frame in the middle, then one past the end: OSS answers the last frame, said in a warning.
    let t0 = performance.now();
    const mid = await ok("video_snapshot", { source: long, t: 5 * 3600 * 1000, f: "png", output: { mode: "download", path: "long/mid.png" } });
    assert.equal(vipsheader(mid.path, "width"), "32");
    const past = await ok("video_snapshot", { source: long, t: 11 * 3600 * 1000, f: "jpg", output: { mode: "download", path: "long/past.jpg" } });
    assert.equal(vipsheader(past.path, "height"), "32");
    assert.deepEqual(past.validation_warnings, ["t=39600000 ms is past the end of the video (36000000 ms); the last frame was returned"]);
    // A part of it is within the limit: three frames ten minutes apart.
    const frames = await ok("video_frames", { source: long, f: "jpg", inter: 600000, num: 3, output: { mode: "save", target_key: "long/frames/f" }, wait_seconds: 120 });
    assert.equal(frames.generated_keys.length, 3);
    for (const k of frames.generated_keys) assert.equal(vipsheader(path.join(root, k), "width"), "32");
    assert.ok(performance.now() - t0 < 3 * CALL_LIMIT_MS);
    rmSync(path.join(outputs, "long"), { recursive: true });
    rmSync(path.join(root, "long/frames"), { recursive: true });
  });

  test("after the battery: flat server RSS, small workers, none replaced, nothing left behind", async () => {
    await sleep(200);
    const rssAfter = memoryOf(serverPid, "VmRSS");
    const growth = rssAfter - rssBefore;
    const workers = engineWorkers();
    const hwm = Object.fromEntries(workers.map((w) => [`${w.exe}[${w.pid}]`, memoryOf(w.pid, "VmHWM")]));
    console.log(`server VmRSS ${(rssBefore / MiB).toFixed(2)} → ${(rssAfter / MiB).toFixed(2)} MiB ` +
                `(growth ${(growth / MiB).toFixed(2)} MiB); worker VmHWM ` +
                Object.entries(hwm).map(([k, v]) => `${k} ${(v / MiB).toFixed(1)} MiB`).join(", "));
    assert.ok(growth < 5 * MiB, `server RSS grew by ${(growth / MiB).toFixed(2)} MiB`);
    for (const [name, peak] of Object.entries(hwm)) assert.ok(peak > 0 && peak < 256 * MiB, `${name} peaked at ${peak} bytes`);
    // No bad input crashed a worker: the same processes are still serving.
    assert.deepEqual(workers.map((w) => w.pid).sort(), workersBefore.map((w) => w.pid).sort());
    // No ffmpeg/ffprobe left running, no partial files, no outputs of failed calls.
    assert.deepEqual(childrenOf(serverPid).filter((c) => /^ff(mpeg|probe)$/.test(c.exe)), []);
    assert.deepEqual(partials(), []);
    assert.deepEqual(filesUnder(path.join(root, "out")), []);
    assert.deepEqual(filesUnder(outputs), []);
    assert.deepEqual(filesUnder(path.join(root, ".tmp/results")), []);
  });

  // --- killed mid-job --------------------------------------------------------------------------

  // Stops the engine's worker, starts `args` on it, kills the worker while the call waits.
  async function killWorkerMidJob(engine, tool, args) {
    const workers = workersNamed(engine);
    assert.equal(workers.length, 1, JSON.stringify(workers));
    const victim = workers[0].pid;
    process.kill(victim, "SIGSTOP");
    let settled = false;
    const pending = call(tool, args).then((r) => {
      settled = true;
      return r;
    });
    await sleep(700);  // the request sits in the stopped worker's pipe
    assert.equal(settled, false, "the call finished although its worker was stopped");
    process.kill(victim, "SIGKILL");
    const r = await pending;
    assert.equal(r.isError, true, JSON.stringify(r.content));
    assert.match(r.content[0].text, /^\[engine\.crashed\] the engine worker crashed during the job \(signal 9: Killed\); the job failed and the worker was replaced$/);
    await client.ping();
    return victim;
  }

  test("the image worker killed mid-job: [engine.crashed], no output; the next call gets a fresh worker", async () => {
    const victim = await killWorkerMidJob("oss-media-engine-image", "image_process", {
      source: key("in/photo.png"), operations: [{ op: "resize", w: 100 }], output: { mode: "save", target_key: "out/killed.jpg" } });
    assert.ok(!existsSync(path.join(root, "out/killed.jpg")));
    assert.deepEqual(partials(), []);
    const r = await ok("image_process", { source: key("in/photo.png"), operations: [{ op: "resize", w: 100 }],
                                          output: { mode: "download", path: "after-kill.jpg" } });
    assert.equal(vipsheader(r.path, "width"), "100");
    assert.equal(vipsheader(r.path, "height"), "75");
    const fresh = workersNamed("oss-media-engine-image");
    assert.equal(fresh.length, 1);
    assert.notEqual(fresh[0].pid, victim);
  });

  test("the vision worker killed mid-job: [engine.crashed]; the next detection works", async () => {
    const victim = await killWorkerMidJob("oss-media-engine-vision", "image_detect", { source: key("in/photo.jpg"), detect: "codes" });
    const r = await ok("image_detect", { source: key("in/photo.jpg"), detect: "faces" });
    assert.equal(r.backend, "local");
    assert.ok(r.data !== undefined);
    const fresh = workersNamed("oss-media-engine-vision");
    assert.equal(fresh.length, 1);
    assert.notEqual(fresh[0].pid, victim);
  });

  test("an ffmpeg child killed mid-transcode: [engine.crashed], no partial target; the next transcode works", async () => {
    // Two hours of the long video at 30 fps: 216000 frames, long enough to be caught running.
    const pending = call("video_transcode", { source: key("long/silent-10h.mp4"), t: 7200000, f: "mp4", vcodec: "h264", fps: 30,
                                              output: { mode: "save", target_key: "out/killed.mp4" }, wait_seconds: 120 });
    const child = await waitFor(() => childrenOf(serverPid).find((c) => c.exe === "ffmpeg"), 20000, 5);
    assert.ok(child, `no ffmpeg child appeared; ${sessionLog()}`);
    // It is writing under a hidden temporary name next to the target.
    const writing = await waitFor(() => partials().length > 0, 10000, 5);
    assert.ok(writing, "no .omm-part- file while ffmpeg runs");
    process.kill(child.pid, "SIGKILL");
    const r = await settle(await pending);
    assert.equal(r.isError, true, JSON.stringify(r.content));
    assert.match(r.content[0].text, /^\[engine\.crashed\] ffmpeg was killed by signal 9 \(Killed\); the job failed and its partial output was removed/);
    assert.ok(!existsSync(path.join(root, "out/killed.mp4")));
    assert.deepEqual(partials(), []);
    assert.deepEqual(childrenOf(serverPid).filter((c) => /^ff(mpeg|probe)$/.test(c.exe)), []);
    await client.ping();

    await ok("video_transcode", { source: key("in/clip.mp4"), f: "mp4", vcodec: "h264", acodec: "aac", s: "128x96",
                                  output: { mode: "save", target_key: "out/after-kill.mp4" }, wait_seconds: 120 });
    const p = probe(path.join(root, "out/after-kill.mp4"));
    const v = p.streams.find((s) => s.codec_type === "video");
    assert.equal(v.codec_name, "h264");
    assert.equal(v.width, 128);
    assert.ok(Math.abs(Number(p.format.duration) - 1) < 0.2);
  });

  // After the kill tests both workers are fresh: their peak RSS shows nothing was decoded.
  test("the 100000×100000 PNG is refused from its header in both engines, the workers' peak unchanged", async () => {
    const peaks = () => Object.fromEntries(engineWorkers().map((w) => [w.exe, memoryOf(w.pid, "VmHWM")]));
    const before = peaks();
    const image = await refused("image_process", { source: key("bad/huge.png"), operations: [{ op: "resize", w: 10 }],
                                                   output: { mode: "save", target_key: "out/huge.jpg" } }, "engine.limit.pixels");
    assert.match(image.text, /100000x100000 = 10000000000 pixels, over the limit of 250000000 \(read from the header; nothing was decoded\)/);
    const vision = await refused("image_detect", { source: key("bad/huge.png"), detect: "faces" }, "engine.limit.pixels");
    assert.match(vision.text, /100000x100000 is 10000000000 pixels, more than the limit of 250000000 \(read from the header; nothing was decoded\)/);
    const after = peaks();
    console.log(`worker VmHWM around the 100000² PNG: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
    for (const exe of ["oss-media-engine-image", "oss-media-engine-vision"]) {
      assert.ok(before[exe] > 0 && after[exe] - before[exe] < 4 * MiB, `${exe}: ${before[exe]} → ${after[exe]}`);
    }
    assert.ok(!existsSync(path.join(root, "out/huge.jpg")));
  });

  test("the session survived everything", async () => {
    await client.ping();
    assert.ok(statSync(`/proc/${serverPid}`).isDirectory());
  });
});
