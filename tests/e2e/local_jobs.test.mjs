// Async jobs on the local backend through the official SDK client (DESIGN.md "Async jobs"):
// running answers with a job id, job_status waiting and cancelling, progress naming the job, the
// journal in the server's own state directory (never in the bucket) surviving a restart, shutdown cancelling running jobs, and a server
// killed mid-job. Outputs are checked with ffprobe; processes and leftovers with /proc and the
// directory itself.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

import { BIN, assertBinary, sleep, waitFor } from "./lib/server.mjs";

const work = mkdtempSync(path.join(os.tmpdir(), "omm-jobs-"));
const root = path.join(work, "media");
const outputs = path.join(work, "outputs");
const inputs = path.join(work, "inputs");

const sh = (cmd, args) => execFileSync(cmd, args, { encoding: "utf8" }).trim();
const probe = (file) => JSON.parse(sh("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file]));
const JOB_ID = /^local-job-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// ffmpeg processes working on files of this test (their argv names the root).
function ffmpegChildren() {
  const pids = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    let argv;
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    if (path.basename(argv[0] ?? "") === "ffmpeg" && argv.some((a) => a.startsWith(root))) pids.push(Number(pid));
  }
  return pids;
}

// Every hidden temporary name under a directory (recursively).
function partials(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).filter((f) => path.basename(f).startsWith(".omm-part-"));
}

// The journal lives in the server's state directory ($XDG_STATE_HOME/oss-media-mcp/jobs/<root tag>/),
// never under the root.
const state = path.join(work, "state");
function journalDir() {
  const jobs = path.join(state, "oss-media-mcp", "jobs");
  const dirs = readdirSync(jobs).filter((d) => readFileSync(path.join(jobs, d, "root"), "utf8").trim() === realpathSync(root));
  assert.equal(dirs.length, 1, "one journal directory for this root");
  return path.join(jobs, dirs[0]);
}
const journal = (id) => JSON.parse(readFileSync(path.join(journalDir(), `${id}.json`), "utf8"));

async function connect() {
  const client = new Client({ name: "oss-media-mcp-e2e-jobs", version: "0.0.1" });
  const transport = new StdioClientTransport({
    command: BIN, args: ["serve", "--root", root, "--output-dir", outputs, "--input-dir", inputs],
    stderr: "pipe", env: { PATH: process.env.PATH, XDG_STATE_HOME: state } });
  await client.connect(transport);
  return { client, transport };
}

async function callRaw(client, name, args, options = {}) {
  return client.callTool({ name, arguments: args }, undefined, { timeout: 120000, ...options });
}

async function call(client, name, args, options) {
  const r = await callRaw(client, name, args, options);
  assert.ok(!r.isError, JSON.stringify(r.content));
  assert.equal(r.structuredContent.success, true);
  assert.equal(r.structuredContent.backend, "local");
  return r.structuredContent;
}

// A job that takes x264 many seconds: a 2 s source upscaled to 1080p at 120 fps.
const slow = (target, extra = {}) => ({
  source: { key: "in/long.mp4" }, f: "mp4", vcodec: "h264", s: "1920x1080", fps: 120, acodec: "aac",
  output: { mode: "save", target_key: target }, ...extra });

describe("local async jobs through the SDK client", () => {
  let server;
  let finishedJob;  // { job_id, request_id, target_key } of a job that succeeded
  before(async () => {
    assertBinary();
    mkdirSync(inputs, { recursive: true });
    sh("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=1",
                  "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-shortest", "-c:v", "libx264", "-c:a", "aac",
                  path.join(inputs, "clip.mp4")]);
    sh("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=30:duration=2",
                  "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-shortest", "-c:v", "libx264", "-c:a", "aac",
                  path.join(inputs, "long.mp4")]);
    server = await connect();
    for (const [file, key] of [["clip.mp4", "in/clip.mp4"], ["long.mp4", "in/long.mp4"]]) {
      await call(server.client, "object_upload", { uri: path.join(inputs, file), target_key: key });
    }
  });
  after(async () => {
    await server?.client.close();
    for (const pid of ffmpegChildren()) process.kill(pid, "SIGKILL");
    rmSync(work, { recursive: true, force: true });
  });

  test("wait_seconds 0 answers running with a job id; job_status waits for the result", async () => {
    const running = await call(server.client, "video_transcode", {
      source: { key: "in/clip.mp4" }, f: "mp4", vcodec: "h264", s: "320x240", acodec: "aac", wait_seconds: 0,
      output: { mode: "save", target_key: "out/t0.mp4" } });
    assert.equal(running.status, "running");
    assert.match(running.job_id, JOB_ID);
    assert.equal(running.target_key, "out/t0.mp4");
    assert.match(running.request_id, /^local-/);
    assert.match(running.operations, /^video\/convert,/);

    const done = await call(server.client, "job_status", { job_id: running.job_id, wait_seconds: 60 });
    assert.equal(done.status, "succeeded");
    assert.equal(done.job_id, running.job_id);
    assert.equal(done.target_key, "out/t0.mp4");
    assert.equal(done.request_id, running.request_id);
    const p = probe(path.join(root, "out/t0.mp4"));
    const v = p.streams.find((s) => s.codec_type === "video");
    assert.equal(v.codec_name, "h264");
    assert.equal(v.width, 320);
    assert.equal(v.height, 240);
    assert.ok(Math.abs(Number(p.format.duration) - 1) < 0.2, p.format.duration);
    assert.equal(done.size, Number(p.format.size));

    const record = journal(running.job_id);
    assert.equal(record.status, "succeeded");
    assert.equal(record.tool, "video_transcode");
    assert.equal(record.result.target_key, "out/t0.mp4");
    // The journal is not in the bucket, and its directory is private.
    assert.ok(!existsSync(path.join(root, ".jobs")));
    assert.equal(statSync(journalDir()).mode & 0o777, 0o700);
    assert.equal(statSync(path.join(state, "oss-media-mcp")).mode & 0o777, 0o700);
    finishedJob = done;

    // Cancelling a finished job changes nothing.
    const again = await call(server.client, "job_status", { job_id: running.job_id, cancel: true });
    assert.equal(again.status, "succeeded");
    assert.equal(again.target_key, "out/t0.mp4");
    assert.ok(existsSync(path.join(root, "out/t0.mp4")));
  });

  test("a job finishing within wait_seconds returns its result; progress names the job first", async () => {
    const notes = [];
    const r = await call(server.client, "video_transcode", {
      source: { key: "in/long.mp4" }, f: "mp4", vcodec: "h264", s: "1280x720", fps: 30, acodec: "aac", wait_seconds: 120,
      output: { mode: "save", target_key: "out/progress.mp4" } }, { onprogress: (p) => notes.push(p) });
    assert.equal(r.status, "succeeded");
    assert.match(r.job_id, JOB_ID);
    assert.ok(notes.length >= 2, JSON.stringify(notes));
    assert.equal(notes[0].message, `job ${r.job_id} started`);
    const later = notes.slice(1);
    assert.ok(later.every((n) => n.progress > 0 && n.progress <= 100 && n.total === 100), JSON.stringify(notes));
    assert.ok(later.every((n) => n.message.includes(r.job_id)), JSON.stringify(notes));
    const v = probe(path.join(root, "out/progress.mp4")).streams.find((s) => s.codec_type === "video");
    assert.equal(v.width, 1280);
  });

  test("job_status cancel stops a running job: child gone, nothing left behind", async () => {
    const notes = [];
    const running = await call(server.client, "video_transcode", slow("out/cancel.mp4", { wait_seconds: 1 }),
                               { onprogress: (p) => notes.push(p) });
    assert.equal(running.status, "running");
    assert.equal(notes[0]?.message, `job ${running.job_id} started`);
    assert.ok(ffmpegChildren().length > 0, "ffmpeg runs while the job does");
    const seen = notes.length;
    await sleep(1500);
    assert.equal(notes.length, seen, "no progress after the call returned");

    const status = await call(server.client, "job_status", { job_id: running.job_id });
    assert.equal(status.status, "running");
    const canceled = await call(server.client, "job_status", { job_id: running.job_id, cancel: true });
    assert.equal(canceled.status, "canceled");
    assert.equal(canceled.job_id, running.job_id);
    assert.deepEqual(await waitFor(() => ffmpegChildren().length === 0, 5000), true);
    assert.ok(!existsSync(path.join(root, "out/cancel.mp4")));
    assert.deepEqual(partials(root), []);
    assert.equal(journal(running.job_id).status, "canceled");
    const again = await call(server.client, "job_status", { job_id: running.job_id, cancel: true });
    assert.equal(again.status, "canceled");
  });

  test("notifications/cancelled before the id was returned cancels the job", async () => {
    const controller = new AbortController();
    const pending = callRaw(server.client, "video_transcode", slow("out/aborted.mp4", { wait_seconds: 60 }),
                            { signal: controller.signal });
    assert.equal(await waitFor(() => ffmpegChildren().length > 0, 10000), true);
    controller.abort();
    await assert.rejects(pending);
    assert.equal(await waitFor(() => ffmpegChildren().length === 0, 5000), true);
    const records = readdirSync(journalDir()).filter((f) => f.endsWith(".json"))
      .map((f) => JSON.parse(readFileSync(path.join(journalDir(), f), "utf8")))
      .filter((j) => j.target_key === "out/aborted.mp4");
    assert.equal(records.length, 1);
    assert.equal(await waitFor(() => journal(records[0].job_id).status === "canceled", 5000), true);
    assert.ok(!existsSync(path.join(root, "out/aborted.mp4")));
    assert.deepEqual(partials(root), []);
  });

  test("unknown and malformed job ids are job.not_found naming the id", async () => {
    for (const id of ["local-job-nope", "local-job-00000000-0000-4000-8000-000000000000", "../../etc/passwd"]) {
      const r = await callRaw(server.client, "job_status", { job_id: id });
      assert.equal(r.isError, true);
      assert.match(r.content[0].text, /^\[job\.not_found\] /);
      assert.ok(r.content[0].text.includes(id), r.content[0].text);
    }
  });

  test("shutdown cancels running jobs; a restarted server still answers from the journal", async () => {
    const running = await call(server.client, "video_transcode", slow("out/shutdown.mp4", { wait_seconds: 0 }));
    assert.equal(running.status, "running");
    assert.equal(await waitFor(() => ffmpegChildren().length > 0, 10000), true);
    await server.client.close();
    assert.equal(await waitFor(() => ffmpegChildren().length === 0, 5000), true);
    const record = journal(running.job_id);
    assert.equal(record.status, "canceled");
    assert.equal(record.reason, "shutdown");
    assert.ok(!existsSync(path.join(root, "out/shutdown.mp4")));
    assert.deepEqual(partials(root), []);

    server = await connect();
    const done = await call(server.client, "job_status", { job_id: finishedJob.job_id });
    assert.equal(done.status, "succeeded");
    assert.equal(done.target_key, finishedJob.target_key);
    assert.equal(done.request_id, finishedJob.request_id);
    assert.equal(done.size, finishedJob.size);
    const canceled = await call(server.client, "job_status", { job_id: running.job_id });
    assert.equal(canceled.status, "canceled");
  });

  test("a server killed mid-job: after restart the job is interrupted and no partial output remains", async () => {
    const running = await call(server.client, "video_transcode", slow("out/killed.mp4", { wait_seconds: 0 }));
    assert.equal(await waitFor(() => partials(path.join(root, "out")).length > 0, 10000), true,
                 "the job writes its partial output");
    process.kill(server.transport.pid, "SIGKILL");
    await server.client.close().catch(() => {});
    const before = journal(running.job_id);
    assert.equal(before.status, "running");
    // The job recorded its ffmpeg child with its start time: the next server kills that process only.
    assert.ok(before.children?.length >= 1, JSON.stringify(before));
    assert.ok(ffmpegChildren().includes(before.children.at(-1).pid));
    assert.ok(partials(path.join(root, "out")).length > 0, "the partial output outlived the server");
    // ffmpeg ignores SIGPIPE: the dead server's child goes on until the next server stops it.
    await sleep(500);
    assert.ok(ffmpegChildren().length > 0, "the orphaned ffmpeg still runs");

    server = await connect();
    const r = await callRaw(server.client, "job_status", { job_id: running.job_id, wait_seconds: 5 });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /^\[job\.interrupted\] /);
    assert.ok(r.content[0].text.includes(running.job_id), r.content[0].text);
    assert.deepEqual(ffmpegChildren(), []);
    assert.deepEqual(partials(root), []);
    assert.ok(!existsSync(path.join(root, "out/killed.mp4")));
    const record = journal(running.job_id);
    assert.equal(record.status, "failed");
    assert.equal(record.error.id, "job.interrupted");
  });
});
