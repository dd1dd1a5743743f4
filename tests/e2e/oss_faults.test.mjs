// The oss backend under injected faults (issue #5, acceptance 3): `emulate` with 10 % 503s and
// 5 % dropped connections before and after acting; a battery of > 200 tool calls through the SDK
// client — image_process save/download/url, image_inspect, media_info, video_snapshot, async
// video_transcode, object_upload (small and multipart: --multipart-threshold 1 MiB, 3 parts),
// `uri` sources (staged under .oss-media-mcp/tmp/ through the cleanup journal),
// object_download, object_head, object_list, doctor. At least 95 % succeed; every other call
// ends in "[id] message". Then, on a fault-free emulator over the same files and a server with
// the same HOME (its first oss call drains the cleanup journal): no temporary objects, no
// unfinished multipart uploads (ListMultipartUploads through ali-oss) and no partial files in
// the output directory.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";

import { ffmpeg } from "./lib/local_media.mjs";
import { CLEAR_ERROR, assertOk, errorText, filesUnder, ossClient, ossScratch, startEmulator,
         startOssServer } from "./lib/oss_stack.mjs";

const CREDS = { ak: "FAKE-faults-key-id", sk: "FAKE-faults-secret-not-real", token: undefined };
const FAULTS = ["--fault-5xx", "0.1", "--fault-drop", "0.05", "--fault-drop-after", "0.05", "--seed", "20261124"];
const THRESHOLD = 1 << 20;

const s = ossScratch("omm-oss-faults-");
const stops = [];

before(() => {
  mkdirSync(s.at("in"), { recursive: true });
  ffmpeg("-f", "lavfi", "-i", "testsrc=s=64x48", "-frames:v", "1", s.at("in/a.png"));
  ffmpeg("-f", "lavfi", "-i", "testsrc=s=64x48:r=10", "-f", "lavfi", "-i", "sine=d=1", "-t", "1",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", s.at("in/v.mp4"));
  copyFileSync(s.at("in/a.png"), s.inp("a.png"));
  copyFileSync(s.at("in/v.mp4"), s.inp("v.mp4"));
  writeFileSync(s.inp("small.bin"), randomBytes(10 * 1024));
  writeFileSync(s.inp("big.bin"), randomBytes(2 * THRESHOLD + THRESHOLD / 2 + 123));  // 3 parts
});

after(async () => {
  for (const stop of stops.reverse()) await stop();
  rmSync(s.work, { recursive: true, force: true });
});

// One round of the battery: [tool, arguments] pairs; i numbers the round.
function round(i) {
  const calls = [
    ["image_process", { source: { key: "in/a.png" }, operations: [{ op: "resize", w: 32 }],
                        output: { mode: "save", target_key: `out/r${i}.png` } }],
    ["image_process", { source: { key: "in/a.png" }, operations: [{ op: "rotate", value: 90 }, { op: "format", value: "jpg" }],
                        output: { mode: "download", path: `r${i}.jpg` } }],
    ["image_process", { source: { key: "in/a.png" }, operations: [{ op: "resize", w: 20 }], output: { mode: "url" } }],
    ["image_inspect", { source: { key: "in/a.png" }, what: "info" }],
    ["media_info", { source: { key: "in/v.mp4" }, kind: "video" }],
    ["video_snapshot", { source: { key: "in/v.mp4" }, t: 500, f: "jpg", w: 32, output: { mode: "download", path: `s${i}.jpg` } }],
    ["image_process", { source: { uri: s.inp("a.png") }, operations: [{ op: "resize", w: 16 }],
                        output: { mode: "download", path: `u${i}.png` } }],
    ["image_inspect", { source: { uri: s.inp("a.png") }, what: "info" }],
    ["object_download", { key: "in/a.png", path: `d${i}.png` }],
    ["object_upload", { uri: s.inp("small.bin"), target_key: `up/s${i}.bin` }],
  ];
  if (i % 2 === 0) {
    calls.push(["video_transcode", { source: { key: "in/v.mp4" }, f: "mp4", vcodec: "h264", s: "64x64",
                                     output: { mode: "save", target_key: `out/t${i}.mp4`, ...(i % 4 === 0 ? { path: `t${i}.mp4` } : {}) },
                                     wait_seconds: 60 }]);
  }
  if (i % 4 === 1) calls.push(["object_upload", { uri: s.inp("big.bin"), target_key: `up/big${i}.bin` }]);
  if (i % 5 === 2) calls.push(["media_info", { source: { uri: s.inp("v.mp4") }, kind: "video" }]);
  if (i % 5 === 3) calls.push(["video_snapshot", { source: { key: "in/v.mp4" }, t: 0, f: "png", output: { mode: "save", target_key: `out/s${i}.png` } }]);
  if (i % 5 === 4) calls.push(["object_head", { key: "in/v.mp4" }], ["object_list", { prefix: "in/" }]);
  if (i % 10 === 9) calls.push(["doctor", {}]);
  return calls;
}

test("a battery of > 200 calls under 10 % 5xx and 5 % drops before and after acting: ≥ 95 % succeed, the rest fail clearly; nothing is left behind", async () => {
  const emu = await startEmulator(s, { ...CREDS, extra: FAULTS });
  stops.push(emu.stop);
  const srv = await startOssServer(s, emu, { ...CREDS, logLevel: "info", extra: ["--multipart-threshold", String(THRESHOLD)] });
  stops.push(srv.close);

  // Setup is not part of the battery: imm_setup is idempotent, so it is simply repeated.
  let setup;
  for (let k = 0; k < 6 && !(setup && !setup.isError); k++) setup = await srv.call("imm_setup", { project: "p1" });
  assertOk(setup, "imm_setup");

  const outcomes = [];
  const byTool = {};
  const started = Date.now();
  for (let i = 0; i < 20; i++) {
    for (const [tool, args] of round(i)) {
      let r;
      try {
        r = await srv.call(tool, args);
      } catch (err) {
        r = { thrown: String(err) };
      }
      const ok = !r.thrown && !r.isError && r.structuredContent?.success === true;
      const text = ok ? null : (r.thrown ?? errorText(r) ?? JSON.stringify(r));
      outcomes.push({ tool, ok, text, sc: r.structuredContent });
      byTool[tool] ??= { calls: 0, failed: 0 };
      byTool[tool].calls++;
      if (!ok) byTool[tool].failed++;
    }
  }
  const seconds = (Date.now() - started) / 1000;
  const failures = outcomes.filter((o) => !o.ok);
  const rate = (outcomes.length - failures.length) / outcomes.length;
  console.log(`battery: ${outcomes.length} calls in ${seconds.toFixed(1)} s, ${failures.length} failed, ` +
              `success rate ${(100 * rate).toFixed(1)} %`);
  console.log(`per tool: ${JSON.stringify(byTool)}`);
  for (const f of failures) console.log(`  failed ${f.tool}: ${f.text.slice(0, 300)}`);

  assert.ok(outcomes.length >= 200, `${outcomes.length} calls`);
  assert.ok(rate >= 0.95, `success rate ${rate}`);
  for (const f of failures) assert.match(f.text, CLEAR_ERROR, `${f.tool} failed without a clear error`);
  // The faults were real: the emulator's log names each one.
  const injected = (emu.stderr.text.match(/emulate: fault: /g) ?? []).length;
  const dropped = (emu.stderr.text.match(/emulate: fault: dropping/g) ?? []).length;
  console.log(`emulator: ${injected} drops logged (503s are not logged)`);
  assert.ok(dropped >= 20, `${dropped} dropped connections`);

  // Successful results hold what they claim.
  const ok = (tool, pred) => outcomes.filter((o) => o.ok && o.tool === tool && pred(o.sc));
  for (const o of outcomes.filter((o) => o.ok && o.sc.mode === "download")) {
    assert.ok(existsSync(o.sc.path), `${o.tool}: ${o.sc.path} missing`);
  }
  const multipart = ok("object_upload", (sc) => sc.metadata?.multipart === true);
  assert.ok(multipart.length >= 1, "no multipart upload succeeded");
  for (const o of multipart) {
    assert.deepEqual(readFileSync(s.at(o.sc.target_key)), readFileSync(s.inp("big.bin")), o.sc.target_key);
  }
  const transcoded = ok("video_transcode", (sc) => sc.status === "succeeded");
  assert.ok(transcoded.length >= 5, `${transcoded.length} transcodes succeeded`);
  for (const o of transcoded) assert.ok(existsSync(s.at(o.sc.target_key)), o.sc.target_key);
  const staged = outcomes.filter((o) => o.ok && (o.tool === "image_process" || o.tool === "image_inspect"));
  assert.ok(staged.length >= 60);

  await srv.close();
  await emu.stop();
  assert.ok(existsSync(s.journal), `the cleanup journal ${s.journal} was written`);
  const pending = JSON.parse(readFileSync(s.journal, "utf8"));
  console.log(`cleanup journal after the battery: ${pending.length} entries ${JSON.stringify(pending)}`);

  // After: the same files, no faults; a new server in the same working directory drains the
  // journal at its first oss call.
  const clean = await startEmulator(s, { ...CREDS });
  stops.push(clean.stop);
  const again = await startOssServer(s, clean, { ...CREDS, logLevel: "info" });
  stops.push(again.close);
  const doctor = assertOk(await again.call("doctor", {}), "doctor");
  assert.equal(doctor.data.cleanup_pending, 0, JSON.stringify(doctor.data));
  assert.deepEqual(JSON.parse(readFileSync(s.journal, "utf8")), [], "the cleanup journal is drained");

  const temps = filesUnder(s.root).filter((k) => k.startsWith(".oss-media-mcp/"));
  assert.deepEqual(temps, [], "temporary objects left in the bucket");
  const listed = assertOk(await again.call("object_list", { prefix: ".oss-media-mcp/" }), "object_list");
  assert.deepEqual(listed.data.objects, []);
  const { uploads } = await ossClient(clean, CREDS).listUploads({ "max-uploads": 1000 });
  assert.deepEqual((uploads ?? []).map((u) => `${u.name} ${u.uploadId}`), [], "unfinished multipart uploads");
  const partial = filesUnder(s.outputs).filter((f) => path.basename(f).startsWith(".") || /\.part$|omm-part/.test(f));
  assert.deepEqual(partial, [], "partial files in the output directory");
});
