// Image tools of the local backend end to end through the official SDK client over stdio:
// image_process (every basic operation, every output format, url/download/save), image_inspect,
// image_detect, and the blind watermark (embedded by image_process, attacked with image_process,
// read back by image_watermark_extract; another --watermark-key does not read it). Media is
// generated here (≤ 320×240); outputs are checked with vipsheader and pixels decoded by ffmpeg.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { after, before, describe, test } from "node:test";

import * as lib from "./lib/local_media.mjs";
import { FIXTURES, close, dims, ffmpeg, luma, near, pixels, probe, sh, stats, video, vipsheader, waited } from "./lib/local_media.mjs";

const KEY = "e2e-key-one";
const OTHER_KEY = "e2e-key-two";
const MARK = "© ACME 2026";

// A JPEG with an EXIF APP1 segment holding only Orientation = `orientation`.
function withExifOrientation(jpeg, orientation) {
  const tiff = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}

describe(`${lib.BACKEND}: image tools through the SDK client`, () => {
  const s = lib.scratch("omm-image-tools-");
  const { work, root, outputs, at, inp } = s;
  let client;
  let otherKey; // a second server on the same root with another watermark key

  before(async () => {
    lib.assertFixtures();
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", inp("photo.png"));
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", "-q:v", "2", inp("plain.jpg"));
    writeFileSync(inp("rotated.jpg"), withExifOrientation(readFileSync(inp("plain.jpg")), 6));
    ffmpeg("-f", "lavfi", "-i", "color=c=red@0.5:s=40x20,format=rgba", "-frames:v", "1", inp("logo.png"));
    const fx = (...args) => sh(FIXTURES, args);
    fx("qr", "https://example.com/omm?q=e2e", inp("qr.png"));
    fx("ean13", "4006381333931", inp("ean.png"));
    fx("face", inp("face.png"));
    fx("scene", "21", "320", "240", inp("scene.png"));
    fx("scene", "22", "320", "240", inp("scene.jpg"));
    client = await lib.startServer(s, ["--watermark-key", KEY]);
    await lib.uploadInputs(client, s);
  });
  after(async () => {
    await client?.close();
    await otherKey?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const call = (name, args, c = client) => lib.call(c, name, args);
  const raw = (name, args, c = client) => lib.raw(c, name, args);
  const refused = (name, args, c = client) => lib.refused(c, name, args);
  const processImage = (operations, output, source = "in/photo.png") =>
    call("image_process", { source: { key: source }, operations, output });
  const toFile = async (operations, name, source) => {
    const r = await processImage(operations, { mode: "download", path: name }, source);
    assert.equal(r.path, path.join(outputs, name));
    return r.path;
  };

  // --- image_process ------------------------------------------------------------------------------
  test("image_process resize: lfit, mfit, fill, pad (with its colour), fixed, p, l, limit", async () => {
    const cases = [
      [{ w: 100, h: 100, m: "lfit" }, [100, 75]],
      [{ w: 100, h: 100, m: "mfit" }, [133, 100]],
      [{ w: 100, h: 100, m: "fill" }, [100, 100]],
      [{ w: 100, h: 100, m: "pad", color: "FF0000" }, [100, 100]],
      [{ w: 100, h: 50, m: "fixed" }, [100, 50]],
      [{ p: 50 }, [160, 120]],
      [{ l: 160 }, [160, 120]],
      [{ w: 640 }, [320, 240]], // limit 1 (default): no upscaling
      [{ w: 640, limit: 0 }, [640, 480]],
    ];
    for (const [params, want] of cases) {
      const file = await toFile([{ op: "resize", ...params }], `resize-${Object.values(params).join("-")}.png`);
      assert.deepEqual(dims(file), want, JSON.stringify(params));
    }
    // pad: the 100x75 picture sits in the middle of a 100x100 red canvas.
    const pad = pixels(path.join(outputs, "resize-100-100-pad-FF0000.png"));
    close(pad.at(50, 2), [255, 0, 0], 2, "pad band");
    close(pad.at(50, 97), [255, 0, 0], 2, "pad band");
    // fill: the centre of a 100x100 cover crop of 133x100 — a vertical strip of the source.
    const fill = pixels(path.join(outputs, "resize-100-100-fill.png"));
    const mfit = pixels(path.join(outputs, "resize-100-100-mfit.png"));
    close(fill.at(50, 50), mfit.at(66, 50), 24, "fill centre vs mfit centre");
  });

  test("image_process crop with gravity and offsets, indexcrop, rotate, flip", async () => {
    const src = pixels(inp("photo.png"));
    const se = pixels(await toFile([{ op: "crop", w: 100, h: 80, g: "se" }], "crop-se.png"));
    assert.deepEqual([se.w, se.h], [100, 80]);
    assert.deepEqual(se.at(99, 79), src.at(319, 239));
    assert.deepEqual(se.at(0, 0), src.at(220, 160));
    const nw = pixels(await toFile([{ op: "crop", w: 50, h: 40, x: 10, y: 20 }], "crop-xy.png"));
    assert.deepEqual([nw.w, nw.h], [50, 40]);
    assert.deepEqual(nw.at(0, 0), src.at(10, 20));
    const centre = pixels(await toFile([{ op: "crop", w: 100, h: 80, g: "center" }], "crop-c.png"));
    assert.deepEqual(centre.at(0, 0), src.at(110, 80));

    const strip = pixels(await toFile([{ op: "indexcrop", x: 100, i: 1 }], "indexcrop-x.png"));
    assert.deepEqual([strip.w, strip.h], [100, 240]);
    assert.deepEqual(strip.at(0, 5), src.at(100, 5));
    const last = pixels(await toFile([{ op: "indexcrop", y: 100, i: 2 }], "indexcrop-y.png"));
    assert.deepEqual([last.w, last.h], [320, 40]); // the last, shorter band: 200..239
    assert.deepEqual(last.at(7, 0), src.at(7, 200));

    const cw = pixels(await toFile([{ op: "rotate", value: 90 }], "rotate-90.png"));
    assert.deepEqual([cw.w, cw.h], [240, 320]);
    assert.deepEqual(cw.at(0, 0), src.at(0, 239)); // clockwise: the bottom-left corner goes top-left
    assert.deepEqual(cw.at(239, 0), src.at(0, 0));
    assert.deepEqual(dims(await toFile([{ op: "rotate", value: 45 }], "rotate-45.png")), [396, 396]);

    const h = pixels(await toFile([{ op: "flip", value: 1 }], "flip-1.png"));
    assert.deepEqual(h.at(0, 0), src.at(319, 0));
    assert.deepEqual(h.at(10, 100), src.at(309, 100));
    const v = pixels(await toFile([{ op: "flip", value: 0 }], "flip-0.png"));
    assert.deepEqual(v.at(10, 0), src.at(10, 239));
    const both = pixels(await toFile([{ op: "flip", value: 2 }], "flip-2.png"));
    assert.deepEqual(both.at(0, 0), src.at(319, 239));
  });

  test("image_process format: every format the local backend writes, with alpha where the format has it", async () => {
    const loaders = { jpg: /jpeg/, png: /png/, webp: /webp/, gif: /gif/, tiff: /tiff/, heic: /heif/, avif: /heif/ };
    for (const f of ["jpg", "png", "webp", "gif", "tiff", "heic", "avif", "bmp"]) {
      const file = await toFile([{ op: "resize", w: 160 }, { op: "format", value: f }], `format.${f}`);
      if (f === "bmp") {
        assert.equal(readFileSync(file).subarray(0, 2).toString("latin1"), "BM");
        const s = video(probe(file));
        assert.deepEqual([s.codec_name, s.width, s.height], ["bmp", 160, 120]);
        continue;
      }
      assert.match(vipsheader(file, "vips-loader"), loaders[f], f);
      assert.deepEqual(dims(file), [160, 120], f);
      if (f === "heic" || f === "avif") {
        const brands = readFileSync(file).subarray(8, 12).toString("latin1");
        assert.equal(brands, f === "avif" ? "avif" : "heic", `${f} major brand`);
      }
    }
    assert.equal(video(probe(await toFile([{ op: "format", value: "jpeg" }], "format-jpeg.jpg"))).codec_name, "mjpeg");
    // circle and rounded-corners: transparent corners in png and webp, 4 bands.
    for (const [op, f] of [[{ op: "circle", r: 50 }, "png"], [{ op: "circle", r: 50 }, "webp"],
                           [{ op: "rounded-corners", r: 30 }, "png"], [{ op: "rounded-corners", r: 30 }, "webp"]]) {
      const file = await toFile([op, { op: "format", value: f }], `${op.op}.${f}`);
      assert.equal(vipsheader(file, "bands"), "4", `${op.op} ${f}`);
      const p = pixels(file);
      if (op.op === "circle") assert.deepEqual([p.w, p.h], [100, 100]);
      else assert.deepEqual([p.w, p.h], [320, 240]);
      assert.ok(p.at(1, 1)[3] < 16, `${op.op} ${f}: corner alpha ${p.at(1, 1)[3]}`);
      assert.equal(p.at(p.w >> 1, p.h >> 1)[3], 255, `${op.op} ${f}: centre opaque`);
    }
    const opaque = await toFile([{ op: "format", value: "png" }], "opaque.png");
    assert.equal(vipsheader(opaque, "bands"), "3");
  });

  test("image_process quality (absolute and relative) and interlace", async () => {
    const q30 = await toFile([{ op: "quality", Q: 30 }, { op: "format", value: "jpg" }], "q30.jpg");
    const q95 = await toFile([{ op: "quality", Q: 95 }, { op: "format", value: "jpg" }], "q95.jpg");
    assert.ok(statSync(q30).size * 2 < statSync(q95).size, `Q30 ${statSync(q30).size} vs Q95 ${statSync(q95).size} bytes`);
    const rel = await toFile([{ op: "quality", q: 50 }], "q-rel.jpg", "in/plain.jpg");
    assert.ok(statSync(rel).size < statSync(inp("plain.jpg")).size, "relative quality lowers a q2 JPEG's size");
    const progressive = await toFile([{ op: "interlace", value: 1 }, { op: "format", value: "jpg" }], "interlaced.jpg");
    assert.equal(vipsheader(progressive, "interlaced"), "1");
    // SOF2 (progressive) marker present, SOF0 (baseline) absent.
    const bytes = readFileSync(progressive);
    assert.ok(bytes.includes(Buffer.from([0xff, 0xc2])), "SOF2 in the interlaced JPEG");
    assert.ok(!readFileSync(q95).includes(Buffer.from([0xff, 0xc2])), "no SOF2 in a baseline JPEG");
  });

  test("image_process effects: text and image watermarks, blur, sharpen, bright, contrast, auto-orient", async () => {
    const src = pixels(inp("photo.png"));
    const base = stats(inp("photo.png"));

    const text = pixels(await toFile([{ op: "watermark", text: "E2E 水印", g: "se", x: 10, y: 10, size: 40, color: "000000", t: 100 }],
                                     "wm-text.png"));
    let changedSe = 0, changedNw = 0;
    for (let y = 0; y < 120; y++) {
      for (let x = 0; x < 160; x++) {
        if (text.at(160 + x, 120 + y).join() !== src.at(160 + x, 120 + y).join()) changedSe++;
        if (text.at(x, y).join() !== src.at(x, y).join()) changedNw++;
      }
    }
    assert.ok(changedSe > 200, `text watermark changed ${changedSe} pixels in the se quarter`);
    assert.equal(changedNw, 0, "nothing changed in the nw quarter");

    const img = pixels(await toFile([{ op: "watermark", image: "in/logo.png", g: "nw", x: 0, y: 0, t: 100 }], "wm-image.png"));
    const under = src.at(20, 10);
    // a 50 % red logo: red rises, green and blue fall by half
    near(img.at(20, 10)[0], (under[0] + 255) / 2, 6, "red under the logo");
    near(img.at(20, 10)[1], under[1] / 2, 6, "green under the logo");
    assert.deepEqual(img.at(100, 100), src.at(100, 100));

    const blur = stats(await toFile([{ op: "blur", r: 10, s: 10 }], "blur.png"));
    assert.ok(blur.grad < base.grad * 0.5, `blur: gradient energy ${blur.grad} vs ${base.grad}`);
    const sharp = stats(await toFile([{ op: "sharpen", value: 300 }], "sharpen.png"));
    assert.ok(sharp.grad > base.grad * 1.05, `sharpen: gradient energy ${sharp.grad} vs ${base.grad}`);
    const bright = stats(await toFile([{ op: "bright", value: 50 }], "bright.png"));
    assert.ok(bright.mean > base.mean + 20, `bright: mean ${bright.mean} vs ${base.mean}`);
    const dark = stats(await toFile([{ op: "bright", value: -50 }], "dark.png"));
    assert.ok(dark.mean < base.mean - 20, `bright -50: mean ${dark.mean} vs ${base.mean}`);
    // contrast on a natural-looking scene (testsrc2's saturated bars leave no room upwards)
    const scene = stats(inp("scene.png"));
    const flat = stats(await toFile([{ op: "contrast", value: -50 }], "contrast.png", "in/scene.png"));
    assert.ok(flat.sd < scene.sd * 0.8, `contrast -50: sd ${flat.sd} vs ${scene.sd}`);
    const punchy = stats(await toFile([{ op: "contrast", value: 50 }], "contrast-up.png", "in/scene.png"));
    assert.ok(punchy.sd > scene.sd * 1.1, `contrast 50: sd ${punchy.sd} vs ${scene.sd}`);
    near(punchy.mean, scene.mean, 15, "contrast keeps the mean roughly");

    assert.equal(vipsheader(inp("rotated.jpg"), "orientation"), "6");
    const oriented = await toFile([{ op: "auto-orient", value: 1 }], "oriented.jpg", "in/rotated.jpg");
    assert.deepEqual(dims(oriented), [240, 320]);
    const kept = await toFile([{ op: "auto-orient", value: 0 }], "not-oriented.jpg", "in/rotated.jpg");
    assert.deepEqual(dims(kept), [320, 240]);
  });

  test("image_process delivery: url (file:// over stdio), download, save; no_download; nothing half-written", async () => {
    const url = await processImage([{ op: "resize", w: 80 }], { mode: "url" });
    if (lib.OSS) {
      // oss: the signed URL stays in the server; the result reads it back through resource_uri.
      const file = await lib.urlResult(client, url, path.join(work, "url-result.png"));
      assert.deepEqual(dims(file), [80, 60]);
      assert.ok(url.url_redacted.includes("/media/in/photo.png?x-oss-process=image%2Fresize%2Cw_80"), url.url_redacted);
    } else {
      assert.match(url.url, /^file:\/\//);
      const file = fileURLToPath(url.url);
      assert.deepEqual(dims(file), [80, 60]);
    }
    assert.equal(url.path, undefined);
    const saved = await processImage([{ op: "resize", w: 64 }, { op: "format", value: "webp" }], { mode: "save", target_key: "out/small.webp" });
    assert.equal(saved.target_key, "out/small.webp");
    assert.deepEqual(dims(at("out/small.webp")), [64, 48]);
    assert.equal(saved.size, statSync(at("out/small.webp")).size);
    const dl = await processImage([{ op: "resize", w: 32 }], { mode: "download", path: "sub/dir/tiny.png" });
    assert.equal(dl.path, path.join(outputs, "sub/dir/tiny.png"));
    assert.deepEqual(dims(dl.path), [32, 24]);
    const nd = await refused("image_process", { source: { key: "in/photo.png" }, operations: [{ op: "resize", w: 10 }],
                                                output: { mode: "download", path: "nd.png" }, no_download: true });
    assert.match(nd.id, /^invalid_argument\.image_process\./);
    assert.ok(!existsSync(path.join(outputs, "nd.png")));
    const bad = await refused("image_process", { source: { key: "in/photo.png" }, operations: [{ op: "resize", w: 100, m: "zoom" }],
                                                 output: { mode: "save", target_key: "out/zoom.png" } });
    assert.equal(bad.id, "invalid_argument.resize.m");
    assert.match(bad.message, /lfit, mfit, fill, pad, fixed/);
    assert.ok(!existsSync(at("out/zoom.png")));
    const crop = await refused("image_process", { source: { key: "in/photo.png" }, operations: [{ op: "crop", w: 10, h: 10, x: 4000, y: 0 }],
                                                  output: { mode: "save", target_key: "out/crop-out.png" } });
    if (lib.OSS) {
      // oss: only the service knows the image's size; it answers 400 InvalidArgument, here with
      // the emulator's engine id in the message.
      assert.equal(crop.id, "oss.InvalidArgument");
      assert.match(crop.message, /\[invalid_argument\.crop\./);
    } else {
      assert.match(crop.id, /^invalid_argument\.crop\./);
    }
    assert.ok(!existsSync(at("out/crop-out.png")));
    const leftovers = (dir) => readdirSync(dir, { recursive: true }).filter((f) => /omm-part|\.tmp-/.test(String(f)));
    assert.deepEqual(leftovers(outputs), []);
    assert.deepEqual(leftovers(path.join(root, "out")), []);
  });

  // --- image_inspect, image_detect ------------------------------------------------------------------
  test("image_inspect: info and average-hue", async () => {
    const info = await call("image_inspect", { source: { key: "in/scene.jpg" }, what: "info" });
    assert.equal(info.data.ImageWidth.value, vipsheader(inp("scene.jpg"), "width"));
    assert.equal(info.data.ImageHeight.value, vipsheader(inp("scene.jpg"), "height"));
    assert.equal(info.data.FileSize.value, String(statSync(inp("scene.jpg")).size));
    assert.match(info.data.Format.value, /^jpe?g$/);
    const hue = await call("image_inspect", { source: { key: "in/scene.jpg" }, what: "average-hue" });
    const m = /^0x([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hue.data.RGB);
    assert.ok(m, hue.data.RGB);
    const avg = [...execFileSync("ffmpeg", ["-v", "error", "-i", inp("scene.jpg"), "-vf", "scale=1:1:flags=area", "-f", "rawvideo",
                                            "-pix_fmt", "rgb24", "-"])];
    close(m.slice(1).map((h) => parseInt(h, 16)), avg, 10, "average hue vs an area-averaged 1x1 scale");
  });

  test("image_detect: faces on a face model, QR code and EAN-13, score, bodies; cars and labels are the oss backend's", async () => {
    const faces = await call("image_detect", { source: { key: "in/face.png" }, detect: "faces" });
    assert.ok(faces.data.Faces.length >= 1, JSON.stringify(faces.data));
    const b = faces.data.Faces[0].Boundary;
    assert.ok(b.Left < 160 && b.Left + b.Width > 160 && b.Top < 120 && b.Top + b.Height > 120, JSON.stringify(b));
    const none = await call("image_detect", { source: { key: "in/photo.png" }, detect: "faces" });
    assert.deepEqual(none.data.Faces, []);

    const qr = await call("image_detect", { source: { key: "in/qr.png" }, detect: "codes" });
    assert.deepEqual(qr.data.Codes.map((c) => [c.Type, c.Content]), [["qrcode", "https://example.com/omm?q=e2e"]]);
    const ean = await call("image_detect", { source: { key: "in/ean.png" }, detect: "codes" });
    assert.deepEqual(ean.data.Codes.map((c) => [c.Type, c.Content]), [["EAN-13", "4006381333931"]]);

    const sharp = await call("image_detect", { source: { key: "in/scene.png" }, detect: "score" });
    await processImage([{ op: "blur", r: 8, s: 8 }], { mode: "save", target_key: "out/scene-blurred.png" }, "in/scene.png");
    const blurred = await call("image_detect", { source: { key: "out/scene-blurred.png" }, detect: "score" });
    const s1 = sharp.data.ImageScore.OverallQualityScore;
    const s2 = blurred.data.ImageScore.OverallQualityScore;
    assert.ok(s1 >= 0 && s1 <= 1 && s2 >= 0 && s2 <= 1, `${s1} ${s2}`);
    assert.ok(s1 > s2, `sharp ${s1} should score above blurred ${s2}`);

    const bodies = await call("image_detect", { source: { key: "in/scene.png" }, detect: "bodies" });
    assert.ok(Array.isArray(bodies.data.Bodies));
    for (const d of ["cars", "labels"]) {
      const e = await refused("image_detect", { source: { key: "in/scene.png" }, detect: d });
      if (lib.OSS) {
        // oss: the request reaches the endpoint; the emulator runs the local engines, which have
        // no model for these, and answers OSS's 400 InvalidArgument naming the engine's refusal.
        assert.equal(e.id, "oss.InvalidArgument");
        assert.ok(e.message.includes(`[unsupported_on_backend.${d}]`), e.message);
      } else {
        assert.equal(e.id, `unsupported_on_backend.${d}`);
      }
    }
  });

  // --- blind watermark --------------------------------------------------------------------------------
  test("blind watermark: embedded with image_process, read back after q50, q75, x0.5, x1.5, bright +20; clean no-mark answers",
       async () => {
    for (const src of ["in/scene.png", "in/scene.jpg"]) {
      const ext = path.extname(src).slice(1);
      const marked = `out/marked-${ext}.${ext}`;
      const r = await processImage([{ op: "resize", w: 300 }, { op: "blindwatermark", content: MARK, s: "medium" }],
                                   { mode: "save", target_key: marked }, src);
      assert.equal(r.target_key, marked);
      assert.deepEqual(dims(at(marked)), [300, 225]);
      assert.match(vipsheader(at(marked), "vips-loader"), ext === "png" ? /png/ : /jpeg/);
      const extract = (key, c = client) => call("image_watermark_extract", waited({ source: { key }, s: "medium" }), c);
      assert.deepEqual((await extract(marked)).data, { content: MARK, found: true }, `${src} as marked`);
      const attacks = {
        q50: [{ op: "quality", Q: 50 }, { op: "format", value: "jpg" }],
        q75: [{ op: "quality", Q: 75 }, { op: "format", value: "jpg" }],
        half: [{ op: "resize", p: 50 }],
        "one-and-half": [{ op: "resize", p: 150 }],
        bright20: [{ op: "bright", value: 20 }],
      };
      for (const [name, ops] of Object.entries(attacks)) {
        const key = `out/attacked-${ext}-${name}.${ops.some((o) => o.value === "jpg") ? "jpg" : ext}`;
        await processImage(ops, { mode: "save", target_key: key }, marked);
        const d = await extract(key);
        assert.deepEqual(d.data, { content: MARK, found: true }, `${src} after ${name}`);
      }
      // The unmarked source: a clean "no watermark" answer.
      assert.deepEqual((await extract(src)).data, { content: null, found: false }, `${src} unmarked`);
    }
    // Another key does not read it.
    otherKey = await lib.startServer(s, ["--watermark-key", OTHER_KEY]);
    const foreign = await call("image_watermark_extract", waited({ source: { key: "out/marked-png.png" }, s: "medium" }), otherKey);
    assert.equal(foreign.data.found, false);
    const url = await refused("image_process", { source: { key: "in/scene.png" }, operations: [{ op: "blindwatermark", content: MARK }],
                                                 output: { mode: "url" } });
    assert.equal(url.id, "invalid_argument.image_process.output.mode");
    const order = await refused("image_process", { source: { key: "in/scene.png" },
                                                   operations: [{ op: "blindwatermark", content: MARK }, { op: "resize", w: 100 }],
                                                   output: { mode: "save", target_key: "out/never.png" } });
    assert.equal(order.id, "invalid_chain.blindwatermark_last");
    assert.ok(!existsSync(at("out/never.png")));
  });

  test("dry_run on every image tool: the plan, no output", async () => {
    const cases = [
      ["image_process", { source: { key: "in/photo.png" }, operations: [{ op: "resize", w: 10 }, { op: "blindwatermark", content: MARK }],
                          output: { mode: "save", target_key: "dry/a.png" } }, "image/resize,w_10/blindwatermark,content_", "sync"],
      ["image_inspect", { source: { key: "in/photo.png" }, what: "info" }, "image/info", "sync"],
      ["image_detect", { source: { key: "in/photo.png" }, detect: "faces" }, "image/faces", "sync"],
      ["image_watermark_extract", { source: { key: "in/photo.png" }, s: "high" }, "blindwatermark-extract", "async"],
    ];
    for (const [tool, args, ops, category] of cases) {
      const r = await raw(tool, { ...args, dry_run: true });
      assert.ok(!r.isError, `${tool}: ${JSON.stringify(r.content)}`);
      const d = r.structuredContent;
      assert.equal(d.dry_run, true, tool);
      assert.equal(d.success, true, tool);
      assert.ok(String(d.operations).startsWith(ops), `${tool}: ${d.operations}`);
      assert.equal(d.category, category, tool);
    }
    assert.ok(!existsSync(at("dry")), "a dry run writes no object");
  });

  lib.leakTest(() => client);
});
