// The local backend under attack through tools only (issue: hardening), through the official SDK
// client over stdio:
// - recovery trusts nothing a client could have written: records planted in <root>/.jobs (what a
//   "./.jobs/…" key once reached) are never read, so they neither show as jobs nor make the
//   next start delete files or kill processes;
// - an object holding an HLS playlist or an ffconcat list cannot make FFmpeg or the probe read
//   files outside the root;
// - async jobs are bounded (--max-jobs, --job-queue), and --max-duration holds while FFmpeg runs
//   even when the container header understates the media;
// - output pixels are bounded, encoder failures are engine.encode, GIF frame counts are exact,
//   failed calls leave no directories behind, and error texts never show the server's paths.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

import * as lib from "./lib/local_media.mjs";
import { BIN, sleep, stopProcess, waitFor } from "./lib/server.mjs";

const s = lib.scratch("omm-hard-local-");
const state = path.join(s.work, "state");

async function connect(extra = []) {
  const client = new Client({ name: "oss-media-mcp-e2e-hardening", version: "0.0.1" });
  const transport = new StdioClientTransport({
    command: BIN, args: ["serve", "--root", s.root, "--output-dir", s.outputs, "--input-dir", s.inputs, ...extra],
    stderr: "pipe", env: { PATH: process.env.PATH, XDG_STATE_HOME: state } });
  await client.connect(transport);
  client.pid = transport.pid;
  return client;
}

// ffmpeg children of a server process.
function childrenOf(pid, name) {
  return readdirSync("/proc").filter((d) => /^\d+$/.test(d)).filter((p) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      return ppid === pid && path.basename(readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0")[0]) === name;
    } catch {
      return false;
    }
  });
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    const st = readFileSync(`/proc/${pid}/stat`, "utf8");
    return st[st.lastIndexOf(")") + 2] !== "Z";
  } catch {
    return false;
  }
};

// Patches the duration fields of an MP4's mvhd, tkhd and mdhd (version 0) to `seconds`: the
// header then says less than the samples hold.
function lieAboutDuration(file, seconds) {
  const b = readFileSync(file);
  let mvhdScale = 0;
  for (const box of ["mvhd", "tkhd", "mdhd"]) {
    for (let at = b.indexOf(box); at >= 0; at = b.indexOf(box, at + 4)) {
      const v = at + 4;  // version byte
      assert.equal(b[v], 0, `${box} version 0`);
      if (box === "mvhd") {
        mvhdScale = b.readUInt32BE(v + 12);
        b.writeUInt32BE(mvhdScale * seconds, v + 16);
      } else if (box === "tkhd") {
        b.writeUInt32BE(mvhdScale * seconds, v + 20);
      } else {
        b.writeUInt32BE(b.readUInt32BE(v + 12) * seconds, v + 16);
      }
    }
  }
  writeFileSync(file, b);
}

describe("local backend: what a client reaches stays inside the server's rules", () => {
  let client;
  let secret;
  before(async () => {
    mkdirSync(path.join(s.root, "in"), { recursive: true });
    lib.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=1", "-c:v", "libx264", s.inp("clip.mp4"));
    lib.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", s.inp("photo.png"));
    // A media file outside the root and the input directories: nobody may read it through a tool.
    mkdirSync(path.join(s.work, "private"), { recursive: true });
    secret = path.join(s.work, "private", "secret.mp4");
    lib.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10:duration=1", "-c:v", "libx264", secret);
    client = await connect();
    await lib.uploadInputs(client, s);
  });
  after(async () => {
    await client?.close();
    rmSync(s.work, { recursive: true, force: true });
  });

  test("records planted in <root>/.jobs are no jobs: nothing is deleted or killed at the next start", async () => {
    const victimDir = path.join(s.work, "victim");
    mkdirSync(victimDir, { recursive: true });
    const victimFile = path.join(victimDir, ".omm-part-precious");
    writeFileSync(victimFile, "not the server's");
    // A process whose argv names such a path (what the old recovery killed).
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)", path.join(victimDir, ".omm-part-x")],
                          { stdio: "ignore", detached: true });
    const now = Date.now();
    const running = "local-job-0b7e58c8-4c2a-4f6e-9a51-2f3c4d5e6f70";
    const succeeded = "local-job-11111111-1111-4111-8111-111111111111";
    mkdirSync(path.join(s.root, ".jobs"), { recursive: true });
    writeFileSync(path.join(s.root, ".jobs", `${running}.json`), JSON.stringify({
      job_id: running, status: "running", tool: "video_transcode", partial_dirs: [victimDir],
      children: [{ pid: sleeper.pid, start_ticks: 1, boot_id: "x" }], created_ms: now - 1000, updated_ms: now - 1000 }));
    writeFileSync(path.join(s.root, ".jobs", `${succeeded}.json`), JSON.stringify({
      job_id: succeeded, status: "succeeded", tool: "video_transcode", created_ms: now, updated_ms: now,
      result: { success: true, target_key: "forged.mp4" } }));
    try {
      await client.close();
      client = await connect();
      for (const id of [running, succeeded]) {
        const r = await lib.refused(client, "job_status", { job_id: id });
        assert.equal(r.id, "job.not_found", r.message);
      }
      assert.ok(existsSync(victimFile), "the planted partial dir was not touched");
      assert.ok(alive(sleeper.pid), "the planted process was not killed");
    } finally {
      sleeper.kill("SIGKILL");
    }
  });

  test("an object holding an HLS playlist or an ffconcat list reads no file outside the root", async () => {
    const playlists = {
      "in/evil.mp4": `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.0,\n${secret}\n#EXT-X-ENDLIST\n`,
      "in/evil2.mp4": `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.0,\nfile://${secret}\n#EXT-X-ENDLIST\n`,
      "in/evil.m3u8": `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.0,\n${secret}\n#EXT-X-ENDLIST\n`,
      "in/list.mp4": `ffconcat version 1.0\nfile '${secret}'\n`,
    };
    // What the server would have run: FFmpeg's own probe follows the playlist to the secret file.
    writeFileSync(path.join(s.work, "probe.m3u8"), playlists["in/evil.m3u8"]);
    assert.match(lib.sh("ffprobe", ["-v", "error", "-show_entries", "stream=width", "-of", "csv=p=0",
                                    path.join(s.work, "probe.m3u8")]), /96/);
    for (const [key, text] of Object.entries(playlists)) {
      writeFileSync(s.at(key), text);
      const target = `out/${path.basename(key, path.extname(key))}-copy.mp4`;
      const info = await lib.refused(client, "media_info", { source: { key }, kind: "video" });
      assert.equal(info.id, "engine.decode", `${key}: [${info.id}] ${info.message}`);
      assert.ok(!info.message.includes("96"), info.message);
      const transcode = await lib.refused(client, "video_transcode", { source: { key }, f: "mp4",
        output: { mode: "save", target_key: target }, wait_seconds: 60 });
      assert.equal(transcode.id, "engine.decode", `${key}: [${transcode.id}] ${transcode.message}`);
      assert.ok(!existsSync(s.at(target)), `${key}: nothing was copied into the bucket`);
      const snap = await lib.refused(client, "video_snapshot", { source: { key }, t: 0, f: "jpg",
        output: { mode: "save", target_key: `out/${path.basename(key)}.jpg` } });
      assert.equal(snap.id, "engine.decode");
      assert.ok(!existsSync(s.at(`out/${path.basename(key)}.jpg`)));
    }
  });

  test("--max-duration holds while FFmpeg runs when the header understates the media", async () => {
    // 40 s of tiny video whose header says 1 s.
    const liar = s.at("in/liar.mp4");
    lib.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=32x32:rate=5:duration=40", "-c:v", "libx264", "-g", "5", liar);
    lieAboutDuration(liar, 1);
    const said = Number(lib.sh("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", liar]));
    assert.ok(said < 2, `the header says ${said} s`);
    const limited = await connect(["--max-duration", "10"]);
    try {
      const r = await lib.refused(limited, "video_transcode", { source: { key: "in/liar.mp4" }, f: "mp4", vcodec: "h264",
        output: { mode: "save", target_key: "out/liar.mp4" }, wait_seconds: 120 });
      assert.equal(r.id, "engine.limit.duration", r.message);
      assert.match(r.message, /--max-duration/);
      assert.ok(!existsSync(s.at("out/liar.mp4")));
    } finally {
      await limited.close();
    }
  });

  test("async jobs are bounded: --max-jobs running, --job-queue waiting, then server.busy at once", async () => {
    const bounded = await connect(["--max-jobs", "1", "--job-queue", "1"]);
    const slow = (target) => ({ source: { key: "in/clip.mp4" }, f: "mp4", vcodec: "h264", s: "1920x1080", fps: 120,
                                output: { mode: "save", target_key: target }, wait_seconds: 0 });
    const ids = [];
    try {
      const first = await lib.raw(bounded, "video_transcode", slow("out/j1.mp4"));
      const second = await lib.raw(bounded, "video_transcode", slow("out/j2.mp4"));
      assert.ok(!first.isError && !second.isError, JSON.stringify([first.content, second.content]));
      ids.push(first.structuredContent.job_id, second.structuredContent.job_id);
      assert.equal(second.structuredContent.status, "running");
      assert.equal(second.structuredContent.queued, true);
      const t0 = Date.now();
      const third = await lib.refused(bounded, "video_transcode", slow("out/j3.mp4"));
      assert.ok(Date.now() - t0 < 2000);
      assert.equal(third.id, "server.busy");
      assert.match(third.message, /--max-jobs 1/);
      for (let i = 0; i < 10; i++) {
        assert.ok(childrenOf(bounded.pid, "ffmpeg").length <= 1, "at most one ffmpeg runs");
        await sleep(100);
      }
    } finally {
      for (const id of ids) await lib.raw(bounded, "job_status", { job_id: id, cancel: true });
      await bounded.close();
    }
  });

  test("output pixels are bounded before encoding; an encoder failure is engine.encode", async () => {
    // 16000 x 12000 (192 M pixels, under the input limit) compresses to a few KB.
    lib.sh("vips", ["black", s.at("in/big.png"), "16000", "12000"]);
    const t0 = Date.now();
    const r = await lib.refused(client, "image_process", { source: { key: "in/big.png" },
      operations: [{ op: "resize", p: 400 }], output: { mode: "save", target_key: "out/huge.png" } });
    assert.equal(r.id, "engine.limit.pixels", r.message);
    assert.match(r.message, /64000x48000/);
    assert.ok(Date.now() - t0 < 20000);
    assert.ok(!existsSync(s.at("out/huge.png")));
    // JPEG cannot hold 70000 px per side: the encoder says so, not the decoder.
    lib.sh("vips", ["black", s.at("in/wide.png"), "7000", "10"]);
    const e = await lib.refused(client, "image_process", { source: { key: "in/wide.png" },
      operations: [{ op: "resize", p: 1000 }, { op: "format", value: "jpg" }], output: { mode: "save", target_key: "out/wide.jpg" } });
    assert.equal(e.id, "engine.encode", e.message);
  });

  test("GIF frame counts are exact beyond 4097 frames", async () => {
    lib.ffmpeg("-f", "lavfi", "-i", "color=c=red:s=2x2:r=100:d=50", "-loop", "0", s.at("in/many.gif"));
    const r = await lib.call(client, "image_inspect", { source: { key: "in/many.gif" }, what: "info" });
    assert.equal(r.data.FrameCount.value, "5000");
  });

  test("a failed save or download leaves no directory behind", async () => {
    writeFileSync(s.at("in/corrupt.png"), Buffer.concat([readFileSync(s.inp("photo.png")).subarray(0, 60)]));
    await lib.refused(client, "image_process", { source: { key: "in/corrupt.png" }, operations: [{ op: "resize", w: 10 }],
                                                 output: { mode: "save", target_key: "new/deep/dir/x.png" } });
    assert.ok(!existsSync(s.at("new")), "no empty directories under the root");
    await lib.refused(client, "image_process", { source: { key: "in/corrupt.png" }, operations: [{ op: "resize", w: 10 }],
                                                 output: { mode: "download", path: "sub/deep/x.png" } });
    assert.ok(!existsSync(path.join(s.outputs, "sub")), "no empty directories under the output directory");
    await lib.refused(client, "video_transcode", { source: { key: "in/corrupt.png" }, f: "mp4",
                                                   output: { mode: "save", target_key: "vnew/deep/x.mp4" }, wait_seconds: 60 });
    assert.ok(!existsSync(s.at("vnew")));
    // A directory that existed before stays, empty or not.
    mkdirSync(s.at("kept/empty"), { recursive: true });
    await lib.refused(client, "image_process", { source: { key: "in/corrupt.png" }, operations: [{ op: "resize", w: 10 }],
                                                 output: { mode: "save", target_key: "kept/empty/x.png" } });
    assert.ok(existsSync(s.at("kept/empty")));
  });

  test("error texts name keys and the caller's paths, never the server's directories", async () => {
    const dirs = [s.root, s.outputs, realpathSync(s.root), realpathSync(s.outputs), state];
    const texts = [];
    const collect = async (name, args) => {
      const r = await lib.refused(client, name, args);
      texts.push(`[${r.id}] ${r.message}`);
      return r;
    };
    const missing = await collect("image_inspect", { source: { key: "in/none.png" }, what: "info" });
    assert.equal(missing.id, "object.NoSuchKey");
    assert.match(missing.message, /in\/none\.png/);
    await collect("object_head", { key: "in/none.png" });
    await collect("object_download", { key: "in/photo.png", path: "/etc/x.png" });
    await collect("image_process", { source: { uri: secret }, operations: [{ op: "resize", w: 10 }],
                                     output: { mode: "download", path: "x.png" } });
    await collect("image_process", { source: { key: "in/corrupt.png" }, operations: [{ op: "resize", w: 10 }],
                                     output: { mode: "download", path: "y.png" } });
    await collect("video_transcode", { source: { key: "in/corrupt.png" }, f: "mp4",
                                       output: { mode: "save", target_key: "out/z.mp4" }, wait_seconds: 60 });
    const long = await collect("image_process", { source: { key: "in/photo.png" }, operations: [{ op: "resize", w: 10 }],
                                                  output: { mode: "save", target_key: `out/${"x".repeat(300)}.png` } });
    assert.notEqual(long.id, "local.escape");
    assert.match(long.id, /^invalid_argument\./);
    for (const t of texts) {
      for (const d of dirs) assert.ok(!t.includes(d), `"${t}" shows ${d}`);
    }
  });
});
