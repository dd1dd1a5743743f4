// Video, audio, object and service tools of the local backend end to end through the official
// SDK client over stdio: video_transcode (remux, re-encode), video_snapshot, video_frames,
// video_sprite, video_animation, media_concat, media_info, audio_transcode, hls_playlist,
// object_upload/download/list/head, doctor, imm_setup, and dry_run on every processing tool.
// Media is generated here (≤ 2 s, ≤ 160×120); outputs are checked with ffprobe and vipsheader.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";

import * as lib from "./lib/local_media.mjs";
import { audio, dims, ffmpeg, frameCount, near, pixels, probe, stats, vipsheader, video, waited } from "./lib/local_media.mjs";

const KEY = "e2e-media-key";

describe(`${lib.BACKEND}: video, audio and object tools through the SDK client`, () => {
  const s = lib.scratch("omm-media-tools-");
  const { work, root, outputs, inputs, at, inp } = s;
  let client;

  before(async () => {
    const clip = (name, size, rate, seconds, tone) =>
      ffmpeg("-f", "lavfi", "-i", `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`, "-f", "lavfi", "-i",
             `sine=frequency=${tone}:duration=${seconds}`, "-shortest", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
             inp(name));
    clip("clip.mp4", "160x120", 10, 1, 440);
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=128x96:rate=15:duration=1", "-f", "lavfi", "-i",
           "sine=frequency=660:duration=1:sample_rate=22050", "-shortest", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
           "-ac", "2", inp("clip2.mp4"));
    clip("long.mp4", "160x120", 10, 2, 330);
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1.5:sample_rate=44100", "-ac", "1", inp("tone.wav"));
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=880:duration=1:sample_rate=48000", "-ac", "2", inp("tone2.wav"));
    ffmpeg("-f", "lavfi", "-i", "color=c=red@0.5:s=40x20,format=rgba", "-frames:v", "1", inp("logo.png"));
    client = await lib.startServer(s, ["--watermark-key", KEY]);
    await lib.uploadInputs(client, s);
  });
  after(async () => {
    await client?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const call = (name, args, c = client) => lib.call(c, name, args);
  const raw = (name, args, c = client) => lib.raw(c, name, args);
  const refused = (name, args, c = client) => lib.refused(c, name, args);

  // --- video --------------------------------------------------------------------------------------------
  test("video_transcode: remux copies the streams, re-encode follows vcodec, s, fps, acodec", async () => {
    const src = probe(inp("clip.mp4"));
    const remux = await call("video_transcode", waited({ source: { key: "in/clip.mp4" }, f: "mkv", output: { mode: "save", target_key: "out/remux.mkv" } }));
    assert.equal(remux.target_key, "out/remux.mkv");
    const p = probe(at("out/remux.mkv"));
    assert.match(p.format.format_name, /matroska/);
    assert.equal(video(p).codec_name, "h264");
    assert.equal(video(p).profile, video(src).profile);
    assert.equal(frameCount(at("out/remux.mkv")), frameCount(inp("clip.mp4")));
    assert.equal(audio(p).codec_name, "aac");
    near(Number(p.format.duration), Number(src.format.duration), 0.1, "remux duration");

    const re = await call("video_transcode", waited({ source: { key: "in/clip.mp4" }, f: "webm", vcodec: "vp9", acodec: "opus", s: "128x96", fps: 5,
                                                     output: { mode: "save", target_key: "out/re.webm", path: "re.webm" } }));
    assert.equal(re.path, path.join(outputs, "re.webm"));
    for (const file of [at("out/re.webm"), re.path]) {
      const q = probe(file);
      assert.deepEqual([video(q).codec_name, video(q).width, video(q).height, video(q).r_frame_rate], ["vp9", 128, 96, "5/1"]);
      assert.equal(audio(q).codec_name, "opus");
      near(Number(q.format.duration), 1, 0.1, "re-encode duration");
      near(frameCount(file), 5, 1, "frames at 5 fps");
    }
    const h265 = await call("video_transcode", waited({ source: { key: "in/clip.mp4" }, f: "mp4", vcodec: "h265", t: 500,
                                                       output: { mode: "save", target_key: "out/h265.mp4" } }));
    assert.ok(h265);
    const q = probe(at("out/h265.mp4"));
    assert.equal(video(q).codec_name, "hevc");
    assert.equal(video(q).codec_tag_string, "hvc1");
    near(Number(q.format.duration), 0.5, 0.1, "t=500 duration");

    const vb = await refused("video_transcode", { source: { key: "in/clip.mp4" }, f: "mkv", vb: 100000, output: { target_key: "out/vb.mkv" } });
    assert.equal(vb.id, "invalid_argument.video_transcode.vb");
    const f = await refused("video_transcode", { source: { key: "in/clip.mp4" }, f: "mp5", output: { target_key: "out/x.mp5" } });
    assert.equal(f.id, "invalid_argument.video_transcode.f");
    assert.match(f.message, /mp4, mkv, mov/);
    assert.ok(!existsSync(at("out/vb.mkv")));
  });

  test("video_snapshot: a frame at t, scaled, in jpg and png, past the end the last frame; url, save, download", async () => {
    const jpg = await call("video_snapshot", { source: { key: "in/clip.mp4" }, t: 500, f: "jpg", w: 80, output: { mode: "download", path: "snap.jpg" } });
    assert.deepEqual(dims(jpg.path), [80, 60]);
    assert.match(vipsheader(jpg.path, "vips-loader"), /jpeg/);
    const png = await call("video_snapshot", { source: { key: "in/clip.mp4" }, t: 0, f: "png", output: { mode: "save", target_key: "out/snap.png" } });
    assert.equal(png.target_key, "out/snap.png");
    assert.deepEqual(dims(at("out/snap.png")), [160, 120]);
    assert.match(vipsheader(at("out/snap.png"), "vips-loader"), /png/);
    const end = await call("video_snapshot", { source: { key: "in/clip.mp4" }, t: 60000, f: "jpg", w: 64, h: 64, output: { mode: "url" } });
    // oss: the signed URL stays in the server; the result reads it back through resource_uri.
    const endFile = lib.OSS ? await lib.urlResult(client, end, path.join(work, "snap-end.jpg")) : fileURLToPath(end.url);
    assert.deepEqual(dims(endFile), [64, 64]);
    // t = 0 and t = 900 differ (testsrc2 moves).
    const late = await call("video_snapshot", { source: { key: "in/clip.mp4" }, t: 900, f: "png", output: { mode: "download", path: "late.png" } });
    assert.notDeepEqual(readFileSync(late.path), readFileSync(at("out/snap.png")));
  });

  test("video_frames: <key>_0_<n>.<f> frames, counted and sized; download directory", async () => {
    const r = await call("video_frames", waited({ source: { key: "in/clip.mp4" }, f: "png", inter: 250, output: { mode: "save", target_key: "out/frames/f" } }));
    const names = readdirSync(at("out/frames")).sort();
    assert.deepEqual(names, ["f_0_1.png", "f_0_2.png", "f_0_3.png", "f_0_4.png"]);
    assert.deepEqual([...r.generated_keys].sort(), names.map((n) => `out/frames/${n}`));
    for (const n of names) {
      assert.deepEqual(dims(at(`out/frames/${n}`)), [160, 120]);
      assert.match(vipsheader(at(`out/frames/${n}`), "vips-loader"), /png/);
    }
    const j = await call("video_frames", waited({ source: { key: "in/clip.mp4" }, f: "jpg", num: 3, w: 80,
                                                 output: { mode: "save", target_key: "out/frames2/g", path: "frames2" } }));
    assert.equal(j.generated_keys.length, 3);
    for (let n = 1; n <= 3; n++) {
      const key = `out/frames2/g_0_${n}.jpg`;
      assert.ok(j.generated_keys.includes(key), key);
      assert.deepEqual(dims(at(key)), [80, 60]);
      assert.match(vipsheader(at(key), "vips-loader"), /jpeg/);
    }
    // output.path is a directory that receives every frame.
    const dir = path.join(outputs, "frames2");
    assert.ok(statSync(dir).isDirectory(), `${dir} is a directory`);
    assert.deepEqual(readdirSync(dir).sort(), ["g_0_1.jpg", "g_0_2.jpg", "g_0_3.jpg"]);
    for (const n of readdirSync(dir)) assert.deepEqual(readFileSync(path.join(dir, n)), readFileSync(at(`out/frames2/${n}`)));
    const ext = await refused("video_frames", { source: { key: "in/clip.mp4" }, f: "jpg", num: 2, output: { target_key: "out/frames/x.jpg" } });
    assert.equal(ext.id, "invalid_argument.video_frames.output.target_key");
  });

  test("video_sprite: tile grid dimensions with and without padding", async () => {
    await call("video_sprite", waited({ source: { key: "in/clip.mp4" }, f: "jpg", sw: 40, sh: 32, tw: 3, th: 2, num: 6, pad: 0, margin: 0,
                                       output: { target_key: "out/sprite.jpg" } }));
    assert.deepEqual(dims(at("out/sprite.jpg")), [120, 64]);
    assert.match(vipsheader(at("out/sprite.jpg"), "vips-loader"), /jpeg/);
    const padded = await call("video_sprite", waited({ source: { key: "in/clip.mp4" }, f: "png", sw: 40, sh: 32, tw: 3, th: 2, inter: 200,
                                                      pad: 2, margin: 4, output: { target_key: "out/sprite.png", path: "sprite.png" } }));
    // width = 2·margin + tw·sw + (tw−1)·pad
    assert.deepEqual(dims(at("out/sprite.png")), [4 * 2 + 3 * 40 + 2 * 2, 4 * 2 + 2 * 32 + 1 * 2]);
    assert.deepEqual(dims(padded.path), dims(at("out/sprite.png")));
    // six different tiles: the top-left and bottom-right cells differ
    const p = pixels(at("out/sprite.png"));
    const cell = (cx, cy) => p.at(4 + cx * 42 + 20, 4 + cy * 34 + 16).join();
    assert.notEqual(cell(0, 0), cell(2, 1));
  });

  test("video_animation: gif and webp frame counts, size and frame delay", async () => {
    await call("video_animation", waited({ source: { key: "in/clip.mp4" }, f: "gif", w: 80, inter: 200, num: 5, output: { target_key: "out/a.gif" } }));
    assert.deepEqual(dims(at("out/a.gif")), [80, 60]);
    assert.equal(vipsheader(at("out/a.gif"), "n-pages"), "5");
    assert.equal(vipsheader(at("out/a.gif"), "delay"), "200 200 200 200 200");
    assert.equal(frameCount(at("out/a.gif")), 5);
    assert.equal(video(probe(at("out/a.gif"))).codec_name, "gif");
    await call("video_animation", waited({ source: { key: "in/clip.mp4" }, f: "webp", w: 80, inter: 250, num: 3, output: { target_key: "out/a.webp" } }));
    assert.match(vipsheader(at("out/a.webp"), "vips-loader"), /webp/);
    assert.equal(vipsheader(at("out/a.webp"), "n-pages"), "3");
    assert.equal(vipsheader(at("out/a.webp"), "width"), "80");
    assert.equal(vipsheader(at("out/a.webp"), "height"), "60"); // one page
    assert.equal(vipsheader(at("out/a.webp"), "delay"), "250 250 250");
  });

  test("media_concat: video and audio; differences are an error listing each value, or a warning with align/ar/ac", async () => {
    const same = await call("media_concat", waited({ kind: "video", source: { key: "in/clip.mp4" }, inputs: [{ key: "in/clip.mp4", ss: 0, t: 500 }],
                                                    f: "mp4", vcodec: "h264", acodec: "aac", output: { target_key: "out/cc-same.mp4" } }));
    assert.equal(same.validation_warnings, undefined);
    let p = probe(at("out/cc-same.mp4"));
    assert.deepEqual([video(p).codec_name, video(p).width, video(p).height], ["h264", 160, 120]);
    near(Number(p.format.duration), 1.5, 0.15, "1 s + 0.5 s");

    const e = await refused("media_concat", { kind: "video", source: { key: "in/clip.mp4" }, inputs: [{ key: "in/clip2.mp4" }], f: "mp4",
                                              vcodec: "h264", acodec: "aac", output: { target_key: "out/cc-mismatch.mp4" } });
    // Both backends compare before any job starts (oss: each input's video/info).
    assert.equal(e.id, "invalid_argument.media_concat.inputs");
    for (const s of ["in/clip.mp4=160x120", "in/clip2.mp4=128x96", "in/clip.mp4=10/1", "in/clip2.mp4=15/1", "=44100", "=22050"]) {
      assert.ok(e.message.includes(s), `${s} in: ${e.message}`);
    }
    assert.ok(!existsSync(at("out/cc-mismatch.mp4")));

    // align to the pre input (index 0 in play order): its 128x96 at 15 fps.
    const aligned = await call("media_concat", waited({ kind: "video", source: { key: "in/clip.mp4" }, inputs: [{ key: "in/clip2.mp4", position: "pre" }],
                                                       f: "mp4", vcodec: "h264", acodec: "aac", align: 0, output: { target_key: "out/cc-aligned.mp4" } }));
    assert.ok(aligned.validation_warnings?.length >= 1, JSON.stringify(aligned));
    assert.ok(aligned.validation_warnings.some((w) => /resolution/.test(w)));
    p = probe(at("out/cc-aligned.mp4"));
    assert.deepEqual([video(p).width, video(p).height, video(p).r_frame_rate], [128, 96, "15/1"]);
    assert.equal(audio(p).sample_rate, "22050");
    near(Number(p.format.duration), 2, 0.15, "two 1 s clips");
    // the first second is clip2 (pre): its first frame is 128x96 testsrc2, same as clip2's.
    ffmpeg("-i", at("out/cc-aligned.mp4"), "-frames:v", "1", path.join(work, "cc0.png"));
    ffmpeg("-i", inp("clip2.mp4"), "-frames:v", "1", path.join(work, "c2.png"));
    near(stats(path.join(work, "cc0.png")).mean, stats(path.join(work, "c2.png")).mean, 4, "first frame comes from the pre input");

    const ae = await refused("media_concat", { kind: "audio", source: { key: "in/tone.wav" }, inputs: [{ key: "in/tone2.wav" }], f: "mp3",
                                               output: { target_key: "out/ca.mp3" } });
    assert.equal(ae.id, "invalid_argument.media_concat.inputs");
    assert.match(ae.message, /in\/tone\.wav=44100.*in\/tone2\.wav=48000/s);
    const a = await call("media_concat", waited({ kind: "audio", source: { key: "in/tone.wav" }, inputs: [{ key: "in/tone2.wav" }], f: "mp3",
                                                 ar: 44100, ac: 2, output: { target_key: "out/ca.mp3" } }));
    assert.ok(a.validation_warnings?.some((w) => /sample_rate/.test(w)), JSON.stringify(a.validation_warnings));
    p = probe(at("out/ca.mp3"));
    assert.equal(p.streams.length, 1);
    assert.deepEqual([audio(p).codec_name, audio(p).sample_rate, audio(p).channels], ["mp3", "44100", 2]);
    near(Number(p.format.duration), 2.5, 0.15, "1.5 s + 1 s");
  });

  test("media_info: video and audio answer what ffprobe reads", async () => {
    const v = await call("media_info", { source: { key: "in/clip2.mp4" }, kind: "video" });
    const p = probe(inp("clip2.mp4"));
    const vs = v.data.Streams.VideoStream[0];
    assert.deepEqual([vs.Width, vs.Height, vs.CodecName], [video(p).width, video(p).height, video(p).codec_name]);
    near(Number(v.data.Format.Duration), Number(p.format.duration), 0.01, "duration");
    assert.equal(v.data.Streams.AudioStream[0].Channels, audio(p).channels);
    assert.equal(String(v.data.Streams.AudioStream[0].SampleRate), audio(p).sample_rate);
    const a = await call("media_info", { source: { key: "in/tone.wav" }, kind: "audio" });
    const q = probe(inp("tone.wav"));
    const as = a.data.Streams.AudioStream[0];
    assert.deepEqual([as.CodecName, as.Channels, String(as.SampleRate)], [audio(q).codec_name, audio(q).channels, audio(q).sample_rate]);
    near(Number(a.data.Format.Duration), Number(q.format.duration), 0.01, "duration");
    assert.equal(String(a.data.Format.Size), String(statSync(inp("tone.wav")).size));
  });

  test("audio_transcode: mp3, aac, flac, opus, oga, ac3 — codec, sample rate, channels, duration; amr refused", async () => {
    const cases = [
      ["mp3", { ab: 64000, ar: 22050, ac: 2 }, "mp3", "22050", 2, 1.5],
      ["aac", {}, "aac", "44100", 1, 1.5],
      ["flac", { ar: 16000, ss: 500 }, "flac", "16000", 1, 1.0],
      ["opus", { ac: 2 }, "opus", "48000", 2, 1.5],
      ["oga", { t: 1000 }, "vorbis", "44100", 1, 1.0],
      ["ac3", { ar: 48000 }, "ac3", "48000", 1, 1.5],
    ];
    for (const [f, params, codec, rate, channels, seconds] of cases) {
      await call("audio_transcode", waited({ source: { key: "in/tone.wav" }, f, ...params, output: { target_key: `out/tone.${f}` } }));
      const p = probe(at(`out/tone.${f}`));
      assert.equal(p.streams.length, 1, f);
      assert.deepEqual([audio(p).codec_name, audio(p).sample_rate, audio(p).channels], [codec, rate, channels], f);
      near(Number(p.format.duration), seconds, 0.12, `${f} duration`);
    }
    assert.ok(Number(probe(at("out/tone.mp3")).format.bit_rate) < 80000);
    // the audio of a video
    await call("audio_transcode", waited({ source: { key: "in/clip.mp4" }, f: "mp3", output: { target_key: "out/clip.mp3", path: "clip.mp3" } }));
    const p = probe(path.join(outputs, "clip.mp3"));
    assert.deepEqual(p.streams.map((s) => s.codec_type), ["audio"]);
    const amr = await refused("audio_transcode", { source: { key: "in/tone.wav" }, f: "amr", output: { target_key: "out/tone.amr" } });
    if (lib.OSS) {
      // oss: the service runs the job and it fails; the engine's reason is in the task's message
      assert.equal(amr.id, "imm.task.InvalidArgument");
      assert.match(amr.message, /\[(engine|unsupported_on_backend)\./);
    } else {
      assert.match(amr.id, /^(engine|unsupported_on_backend)\./);
    }
    assert.ok(!existsSync(at("out/tone.amr")));
  });

  test("hls_playlist: a file:// playlist over stdio that ffprobe reads, one segment per st", async () => {
    const r = await call("hls_playlist", { source: { key: "in/long.mp4" }, st: 1000, vcodec: "h264", s: "128x96", output: { mode: "url" } });
    if (lib.OSS) {
      // oss: the playlist comes through resource_uri; its segments are the service's, not files
      // here (the emulator answers the playlist only), so the playlist text is what is checked.
      const text = readFileSync(await lib.urlResult(client, r, path.join(work, "hls.m3u8")), "utf8");
      assert.match(text, /^#EXTM3U/);
      assert.match(text, /#EXT-X-ENDLIST/);
      assert.deepEqual(text.split("\n").filter((l) => l.startsWith("#EXTINF:")).map((l) => parseFloat(l.slice(8))), [1, 1]);
      assert.equal(text.split("\n").filter((l) => l && !l.startsWith("#")).length, 2, text);
      const save = await refused("hls_playlist", { source: { key: "in/long.mp4" }, output: { mode: "save" } });
      assert.match(save.id, /^invalid_argument\.hls_playlist\.output/);
      return;
    }
    assert.match(r.url, /^file:\/\/.*\.m3u8$/);
    const playlist = fileURLToPath(r.url);
    const text = readFileSync(playlist, "utf8");
    assert.match(text, /^#EXTM3U/);
    assert.match(text, /#EXT-X-ENDLIST/);
    const segments = text.split("\n").filter((l) => l && !l.startsWith("#"));
    assert.equal(segments.length, 2, text);
    for (const s of segments) {
      const q = probe(path.join(path.dirname(playlist), s));
      assert.equal(q.format.format_name, "mpegts");
      assert.deepEqual([video(q).codec_name, video(q).width, video(q).height], ["h264", 128, 96]);
    }
    const p = probe(playlist);
    assert.equal(p.format.format_name, "hls");
    near(Number(p.format.duration), 2, 0.2, "playlist duration");
    assert.equal(audio(p).codec_name, "aac");
    const save = await refused("hls_playlist", { source: { key: "in/long.mp4" }, output: { mode: "save" } });
    assert.match(save.id, /^invalid_argument\.hls_playlist\.output/);
  });

  // --- objects, doctor, imm_setup, dry runs ------------------------------------------------------------
  test("object_upload, object_download, object_list, object_head", async () => {
    const up = await call("object_upload", { uri: inp("tone.wav"), target_key: "docs/a/tone.wav" });
    assert.equal(up.size, statSync(inp("tone.wav")).size);
    assert.deepEqual(readFileSync(at("docs/a/tone.wav")), readFileSync(inp("tone.wav")));
    await call("object_upload", { uri: inp("logo.png"), target_key: "docs/b.png" });
    const head = await call("object_head", { key: "docs/b.png" });
    assert.equal(head.size, statSync(inp("logo.png")).size);
    assert.equal(head.metadata.content_type, "image/png");
    const list = await call("object_list", { prefix: "docs/", delimiter: "/" });
    assert.deepEqual(list.data.objects.map((o) => o.key), ["docs/b.png"]);
    assert.deepEqual(list.data.common_prefixes, ["docs/a/"]);
    const all = await call("object_list", { prefix: "docs/" });
    assert.deepEqual(all.data.objects.map((o) => o.key).sort(), ["docs/a/tone.wav", "docs/b.png"]);
    const page = await call("object_list", { prefix: "in/", max_keys: 2 });
    assert.equal(page.data.objects.length, 2);
    assert.equal(page.data.is_truncated, true);
    const next = await call("object_list", { prefix: "in/", max_keys: 100, continuation_token: page.data.next_continuation_token });
    assert.equal(next.data.objects.length, readdirSync(inputs).length - 2);
    const dl = await call("object_download", { key: "docs/b.png", path: "dl/b.png" });
    assert.equal(dl.path, path.join(outputs, "dl/b.png"));
    assert.deepEqual(readFileSync(dl.path), readFileSync(inp("logo.png")));
    const missing = await refused("object_head", { key: "docs/nope.png" });
    assert.equal(missing.id, "object.NoSuchKey"); // one id on both backends
    const outside = await refused("object_upload", { uri: "/etc/hostname", target_key: "x/hostname" });
    assert.equal(outside.id, "invalid_argument.object_upload.source.uri");
    const bucket = await refused("object_list", { prefix: "in/", bucket: "some-bucket" });
    // oss: another bucket is allowed and asked for; the emulator has none by that name
    assert.equal(bucket.id, lib.OSS ? "oss.NoSuchBucket" : "invalid_argument.object_list.bucket");
  });

  test("doctor reports the local backend: directories, FFmpeg, engine workers; imm_setup is the oss backend's", async () => {
    const d = await call("doctor", {});
    if (lib.OSS) {
      // oss: credentials, the bucket (list, write, delete of a probe object) and the IMM project
      assert.equal(d.data.backend, "oss");
      assert.equal(d.data.ok, true, JSON.stringify(d.data));
      assert.equal(d.data.bucket, lib.BUCKET);
      assert.equal(d.data.endpoint, client.emulator.base);
      assert.equal(d.data.imm_endpoint, client.emulator.base);
      assert.equal(d.data.cleanup_pending, 0);
      assert.equal(d.data.reveal_signed_urls, false);
      assert.deepEqual(d.data.checks.map((c) => [c.name, c.ok]),
                       [["credentials", true], ["oss.list", true], ["oss.write", true], ["oss.delete", true], ["imm.project", true]]);
      assert.equal(d.data.checks[4].detail, `IMM project ${lib.IMM_PROJECT}`);
      const text = JSON.stringify(d);
      assert.ok(!text.includes(client.emulator.ak) && !text.includes(client.emulator.sk), "never shows the credentials");
      assert.ok(!text.includes(KEY), "never shows the watermark key");
      // the probe object is gone: no file in the bucket but what the tests wrote (the emulator
      // may leave the empty folder of the temporary prefix; OSS has no folders)
      const files = readdirSync(root, { recursive: true }).map(String)
        .filter((f) => !statSync(path.join(root, f)).isDirectory() && !/^(docs|in|out)\//.test(f));
      assert.deepEqual(files, []);
      // imm_setup works here: the project exists and the bucket is attached already
      const imm = await call("imm_setup", { project: lib.IMM_PROJECT });
      assert.deepEqual(imm.data, { project: lib.IMM_PROJECT, bucket: lib.BUCKET, project_created: false, bucket_attached: false });
      const other = await refused("imm_setup", { project: "another-project" });
      assert.equal(other.id, "imm.bucket_attached_elsewhere");
      // ... refused before anything was created: the project is new when another bucket (a
      // folder of the emulator's root) is attached to it
      mkdirSync(path.join(work, "second-bucket"));
      const second = await call("imm_setup", { project: "another-project", bucket: "second-bucket" });
      assert.deepEqual(second.data, { project: "another-project", bucket: "second-bucket", project_created: true, bucket_attached: true });
      return;
    }
    assert.equal(d.data.backend, "local");
    assert.equal(d.data.ok, true, JSON.stringify(d.data));
    assert.equal(d.data.root, root);
    assert.equal(d.data.output_dir, outputs);
    assert.deepEqual(d.data.input_dirs, [inputs]);
    const check = (name) => d.data.checks.find((c) => c.name === name);
    for (const name of ["root", "output_dir", "ffmpeg", "ffprobe", "oss-media-engine-image", "oss-media-engine-vision"]) {
      assert.equal(check(name)?.ok, true, `${name}: ${JSON.stringify(check(name))}`);
    }
    // the versions ffmpeg and ffprobe print themselves
    assert.equal(check("ffmpeg").detail, lib.sh("ffmpeg", ["-hide_banner", "-version"]).split("\n")[0]);
    assert.equal(check("ffprobe").detail, lib.sh("ffprobe", ["-hide_banner", "-version"]).split("\n")[0]);
    assert.ok(existsSync(check("oss-media-engine-image").detail));
    assert.match(check("watermark_key").detail, /--watermark-key/);
    assert.ok(!JSON.stringify(d).includes(KEY), "never shows the watermark key");
    const imm = await refused("imm_setup", {});
    assert.equal(imm.id, "unsupported_on_backend.imm_setup");
  });

  test("dry_run on every media tool: the plan, no output", async () => {
    const src = { key: "in/clip.mp4" };
    const cases = [
      ["video_transcode", { source: src, f: "mkv", output: { target_key: "dry/t.mkv" } }, "video/convert,f_mkv", "async"],
      ["video_snapshot", { source: src, t: 0, f: "jpg", output: { mode: "save", target_key: "dry/s.jpg" } }, "video/snapshot,t_0,f_jpg", "sync"],
      ["video_frames", { source: src, f: "jpg", num: 2, output: { target_key: "dry/f" } }, "video/snapshots,f_jpg,num_2", "async"],
      ["video_sprite", { source: src, f: "jpg", num: 4, tw: 2, th: 2, output: { target_key: "dry/sp.jpg" } }, "video/sprite", "async"],
      ["video_animation", { source: src, f: "gif", num: 2, output: { target_key: "dry/a.gif" } }, "video/animation,f_gif", "async"],
      ["media_concat", { kind: "audio", source: { key: "in/tone.wav" }, inputs: [{ key: "in/tone2.wav" }], f: "mp3", output: { target_key: "dry/c.mp3" } },
       "audio/concat,f_mp3", "async"],
      ["media_info", { source: src, kind: "video" }, "video/info", "sync"],
      ["audio_transcode", { source: { key: "in/tone.wav" }, f: "mp3", output: { target_key: "dry/t.mp3" } }, "audio/convert,f_mp3", "async"],
      ["hls_playlist", { source: src, output: { mode: "url" } }, "hls/m3u8", "sync"],
    ];
    for (const [tool, args, ops, category] of cases) {
      const r = await raw(tool, { ...args, dry_run: true });
      assert.ok(!r.isError, `${tool}: ${JSON.stringify(r.content)}`);
      const s = r.structuredContent;
      assert.equal(s.dry_run, true, tool);
      assert.equal(s.success, true, tool);
      if (ops) assert.ok(String(s.operations).startsWith(ops), `${tool}: ${s.operations}`);
      if (category) assert.equal(s.category, category, tool);
    }
    assert.ok(!existsSync(at("dry")), "a dry run writes no object");
  });

  lib.leakTest(() => client);
});
