// The local backend end to end through the official SDK client: tiny media made here with
// ffmpeg, every output checked with independent tools (vipsheader, ffprobe), not with the
// server's own report. OMM_E2E_BACKEND=oss runs it on the oss backend against `emulate`
// (lib/local_media.mjs): the objects are the same files.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import * as lib from "./lib/local_media.mjs";
import { probe, sh, vipsheader } from "./lib/local_media.mjs";

const s = lib.scratch("omm-local-");
const { work, root, outputs, inputs } = s;

describe(`${lib.BACKEND} backend through the SDK client`, () => {
  let client;
  before(async () => {
    mkdirSync(inputs, { recursive: true });
    sh("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", path.join(inputs, "photo.png")]);
    sh("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=1",
                  "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-shortest", "-c:v", "libx264", "-c:a", "aac",
                  path.join(inputs, "clip.mp4")]);
    client = await lib.startServer(s);
    for (const [file, key] of [["photo.png", "in/photo.png"], ["clip.mp4", "in/clip.mp4"]]) {
      const r = await client.callTool({ name: "object_upload", arguments: { uri: path.join(inputs, file), target_key: key } });
      assert.ok(!r.isError, JSON.stringify(r.content));
    }
  });
  after(async () => {
    await client?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const call = async (name, args) => {
    const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 120000 });
    assert.ok(!r.isError, JSON.stringify(r.content));
    assert.equal(r.structuredContent.success, true);
    assert.equal(r.structuredContent.backend, lib.BACKEND);
    return r.structuredContent;
  };

  test("image_process: resize, text watermark, webp, download", async () => {
    const r = await call("image_process", {
      source: { key: "in/photo.png" },
      operations: [{ op: "resize", w: 160 }, { op: "watermark", text: "测试水印", g: "se", size: 16 }, { op: "format", value: "webp" }],
      output: { mode: "download", path: "thumb.webp" } });
    assert.equal(r.path, path.join(outputs, "thumb.webp"));
    assert.equal(vipsheader(r.path, "width"), "160");
    assert.equal(vipsheader(r.path, "height"), "120");
    assert.match(vipsheader(r.path, "vips-loader"), /webp/);
    assert.deepEqual(readdirSync(outputs).filter((f) => f.startsWith(".omm-part")), []);
  });

  test("image_process: circle to png with alpha, saved as an object", async () => {
    const r = await call("image_process", {
      source: { key: "in/photo.png" }, operations: [{ op: "circle", r: 60 }, { op: "format", value: "png" }],
      output: { mode: "save", target_key: "out/circle.png" } });
    const file = path.join(root, "out/circle.png");
    assert.equal(r.target_key, "out/circle.png");
    assert.equal(vipsheader(file, "bands"), "4");
  });

  test("image_inspect info and media_info answer in OSS's shape", async () => {
    const info = await call("image_inspect", { source: { key: "in/photo.png" }, what: "info" });
    assert.equal(info.data.ImageWidth.value, "320");
    const media = await call("media_info", { source: { key: "in/clip.mp4" }, kind: "video" });
    assert.equal(media.data.Streams.VideoStream[0].Width, probe(path.join(root, "in/clip.mp4")).streams[0].width);
  });

  test("video_snapshot and video_transcode outputs check out with ffprobe", async () => {
    const snap = await call("video_snapshot", { source: { key: "in/clip.mp4" }, t: 500, f: "jpg", w: 80, output: { mode: "download", path: "snap.jpg" } });
    assert.equal(vipsheader(snap.path, "width"), "80");
    const tr = await call("video_transcode", { source: { key: "in/clip.mp4" }, f: "mp4", vcodec: "h264", s: "320x240", acodec: "aac",
                                               output: { mode: "save", target_key: "out/big.mp4" } });
    assert.equal(tr.status, "succeeded");
    const p = probe(path.join(root, "out/big.mp4"));
    const v = p.streams.find((s) => s.codec_type === "video");
    assert.equal(v.codec_name, "h264");
    assert.equal(v.width, 320);
    assert.ok(Math.abs(Number(p.format.duration) - 1) < 0.2);
  });

  test("video_frames writes numbered frames under the key prefix", async () => {
    const r = await call("video_frames", { source: { key: "in/clip.mp4" }, f: "jpg", num: 3, output: { mode: "save", target_key: "out/frames/f" } });
    assert.equal(r.generated_keys.length, 3);
    for (const k of r.generated_keys) assert.ok(existsSync(path.join(root, k)), k);
  });

  test("bad inputs fail cleanly and leave nothing behind", async () => {
    const missing = await client.callTool({ name: "image_process", arguments: { source: { key: "in/nope.png" }, operations: [{ op: "resize", w: 10 }],
                                                                             output: { mode: "save", target_key: "out/x.png" } } });
    assert.equal(missing.isError, true);
    // one id for a missing object on both backends (docs/contracts.md)
    assert.match(missing.content[0].text, /^\[object\.NoSuchKey\]/);
    const escape = await client.callTool({ name: "image_process", arguments: { source: { key: "in/photo.png" }, operations: [{ op: "resize", w: 10 }],
                                                                            output: { mode: "download", path: "../x.png" } } });
    assert.match(escape.content[0].text, /^\[invalid_argument\.image_process\.output\.path\]/);
    assert.ok(!existsSync(path.join(root, "out/x.png")));
  });

  lib.leakTest(() => client);
});
