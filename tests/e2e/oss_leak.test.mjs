// No credential leaves the server (issue #5, acceptance 4): planted AccessKey id, secret and an
// STS token with `+`, `/` and `=`; `emulate` demands the token. A wide battery on the oss
// backend — every tool, url / download / save, `uri` sources, async jobs with progress
// notifications and job_status, doctor, imm_setup, errors (a missing key, bad arguments, a bad
// job id), a second server with a wrong secret and one without the token — while every JSON-RPC
// message the SDK client receives and each server's whole stderr at --log-level debug are kept.
// None may hold a planted value (raw, percent-encoded once or twice in either hex case, `+`
// read as a space, JSON-escaped) or an unredacted signing parameter. With --reveal-signed-urls
// the full URL is in structuredContent.url only: it works with fetch(), and the text part and
// the log do not carry it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";

import { ffmpeg } from "./lib/local_media.mjs";
import { CLEAR_ERROR, assertOk, errorText, ossClient, ossScratch, startEmulator,
         startOssServer } from "./lib/oss_stack.mjs";

const CREDS = {
  ak: "FAKE-planted-leak-key",
  sk: "FAKE-planted+secret/with=chars",
  token: "STS.tok+en/with=chars+/==",
};

const s = ossScratch("omm-oss-leak-");
const stops = [];
const servers = [];  // every server started: { name, srv }
let emu;

before(async () => {
  mkdirSync(s.at("in"), { recursive: true });
  ffmpeg("-f", "lavfi", "-i", "testsrc=s=96x64", "-frames:v", "1", s.at("in/a.png"));
  ffmpeg("-f", "lavfi", "-i", "testsrc=s=64x48:r=10", "-f", "lavfi", "-i", "sine=d=2", "-t", "2",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", s.at("in/v.mp4"));
  ffmpeg("-f", "lavfi", "-i", "testsrc=s=64x48:r=10", "-f", "lavfi", "-i", "sine=d=1", "-t", "1",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", s.at("in/v2.mp4"));
  ffmpeg("-f", "lavfi", "-i", "sine=d=1", s.at("in/tone.wav"));
  copyFileSync(s.at("in/a.png"), s.inp("a.png"));
  emu = await startEmulator(s, { ...CREDS });
  stops.push(emu.stop);
});

after(async () => {
  for (const stop of stops.reverse()) await stop();
  rmSync(s.work, { recursive: true, force: true });
});

async function start(name, creds, extra = []) {
  const srv = await startOssServer(s, emu, { ...creds, extra });
  stops.push(srv.close);
  servers.push({ name, srv });
  return srv;
}

// The forms a planted value could take on its way out.
function forms(v) {
  const enc = encodeURIComponent(v);
  const lowerHex = enc.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  return [...new Set([
    v, enc, lowerHex, encodeURIComponent(enc), enc.replace(/%20/g, "+"),
    v.replaceAll("+", " "),                          // `+` read back as a space
    JSON.stringify(v).slice(1, -1), v.replaceAll("/", "\\/"),  // JSON-escaped
    JSON.stringify(JSON.stringify(v)).slice(3, -3),  // escaped twice (a JSON string inside JSON)
  ])];
}
const SIGNING = [
  /x-oss-signature=[^<&\s"\\]/i, /[?&]Signature=[^<&\s"\\]/, /x-oss-credential=[^<&\s"\\]/i,
  /security-token=[^<&\s"\\]/i, /OSSAccessKeyId=[^<&\s"\\]/i, /OSS4-HMAC-SHA256 Credential/i,
  /ACS3-HMAC-SHA256 Credential/i, /Signature=[0-9a-f]{64}/i, /x-oss-signature%3D[^%<]/i,
  /x-oss-credential%3D[^%<]/i, /security-token%3D[^%<]/i, /\bOSS [A-Za-z0-9]{8,}:[A-Za-z0-9+/=]{20,}/,
];

function assertClean(text, where) {
  for (const [what, v] of Object.entries(CREDS)) {
    for (const f of forms(v)) {
      const at = text.indexOf(f);
      assert.equal(at, -1, `${where} holds the ${what} (${JSON.stringify(f)}): …${text.slice(Math.max(0, at - 120), at + 60)}…`);
    }
  }
  for (const re of SIGNING) {
    const m = re.exec(text);
    assert.equal(m, null, `${where} holds ${re}: …${m && text.slice(Math.max(0, m.index - 120), m.index + 80)}…`);
  }
}

test("emulate demands the STS token: a request without it is refused, with it served", async () => {
  const withToken = ossClient(emu, CREDS);
  await withToken.put("probe/x.txt", Buffer.from("x"));
  const got = await withToken.get("probe/x.txt");
  assert.equal(got.content.toString(), "x");
  await assert.rejects(ossClient(emu, { ...CREDS, token: undefined }).get("probe/x.txt"), (err) => {
    assert.equal(err.status, 403, `${err.code}: ${err.message}`);
    return true;
  });
  await assert.rejects(ossClient(emu, { ...CREDS, token: "STS.another+token/==" }).get("probe/x.txt"),
    (err) => err.status === 403);
});

test("the whole battery: no planted value or signing parameter in any message or log line", async () => {
  const srv = await start("main", CREDS);
  const progress = [];
  const onprogress = (p) => progress.push(p);
  const ok = async (name, args, options) => {
    const r = await srv.call(name, args, options);
    return assertOk(r, name);
  };
  const fails = async (name, args) => {
    const r = await srv.call(name, args);
    assert.equal(r.isError, true, `${name} should fail: ${JSON.stringify(r.structuredContent)}`);
    assert.match(errorText(r), CLEAR_ERROR);
    return errorText(r);
  };

  await ok("imm_setup", { project: "p1" });
  const doctor = await ok("doctor", {});
  assert.equal(doctor.data.ok, true, JSON.stringify(doctor.data));
  assert.match(JSON.stringify(doctor.data.checks), /temporary \(STS\)/);

  // Images: url, download, save, inspect, detect, blind watermark embed + extract, uri source.
  const url = await ok("image_process", { source: { key: "in/a.png" }, operations: [{ op: "resize", w: 48 }], output: { mode: "url" } });
  assert.equal(url.url, undefined, "no full URL without --reveal-signed-urls");
  assert.match(url.url_redacted, /x-oss-signature=/);
  assert.match(url.url_redacted, /x-oss-security-token=/);
  const denied = await fetch(url.url_redacted);
  assert.notEqual(denied.status, 200, "the redacted URL is not usable");
  await ok("image_process", { source: { key: "in/a.png" }, operations: [{ op: "resize", w: 48 }, { op: "format", value: "webp" }],
                              output: { mode: "download", path: "a.webp" } });
  await ok("image_process", { source: { key: "in/a.png" }, operations: [{ op: "blindwatermark", content: "leak-test", s: "high" }],
                              output: { mode: "save", target_key: "out/marked.png" } });
  await ok("image_watermark_extract", { source: { key: "out/marked.png" }, s: "high", wait_seconds: 60 });
  await ok("image_inspect", { source: { key: "in/a.png" }, what: "info" });
  await ok("image_inspect", { source: { key: "in/a.png" }, what: "average-hue" });
  await ok("image_detect", { source: { key: "in/a.png" }, detect: "faces" });
  await ok("image_process", { source: { uri: s.inp("a.png") }, operations: [{ op: "rotate", value: 90 }],
                              output: { mode: "save", target_key: "out/from-uri.png" } });

  // Video and audio: sync and async, progress notifications, job_status.
  await ok("media_info", { source: { key: "in/v.mp4" }, kind: "video" });
  await ok("media_info", { source: { key: "in/tone.wav" }, kind: "audio" });
  await ok("video_snapshot", { source: { key: "in/v.mp4" }, t: 500, f: "jpg", output: { mode: "url" } });
  await ok("video_snapshot", { source: { key: "in/v.mp4" }, t: 500, f: "png", output: { mode: "download", path: "snap.png" } });
  const tc = await ok("video_transcode", { source: { key: "in/v.mp4" }, f: "mp4", vcodec: "h264", s: "64x64",
                                           output: { mode: "save", target_key: "out/t.mp4", path: "t.mp4" }, wait_seconds: 60 },
                      { onprogress });
  assert.equal(tc.status, "succeeded", JSON.stringify(tc));
  const running = await ok("video_transcode", { source: { key: "in/v.mp4" }, f: "mkv", output: { mode: "save", target_key: "out/t.mkv" },
                                                wait_seconds: 0 }, { onprogress });
  assert.ok(running.job_id, JSON.stringify(running));
  const js = await ok("job_status", { job_id: running.job_id, wait_seconds: 60 }, { onprogress });
  assert.equal(js.status, "succeeded", JSON.stringify(js));
  await ok("audio_transcode", { source: { key: "in/tone.wav" }, f: "mp3", output: { mode: "save", target_key: "out/tone.mp3" }, wait_seconds: 60 },
           { onprogress });
  for (const [tool, args] of [
    ["video_frames", { source: { key: "in/v.mp4" }, f: "jpg", inter: 500, num: 2, output: { mode: "save", target_key: "out/frames/f" } }],
    ["video_sprite", { source: { key: "in/v.mp4" }, f: "jpg", sw: 32, sh: 24, tw: 2, th: 1, num: 2, output: { mode: "save", target_key: "out/sprite.jpg" } }],
    ["video_animation", { source: { key: "in/v.mp4" }, f: "gif", w: 32, inter: 500, num: 2, output: { mode: "save", target_key: "out/a.gif" } }],
    ["media_concat", { kind: "video", source: { key: "in/v.mp4" }, inputs: [{ key: "in/v2.mp4" }], f: "mp4", vcodec: "h264", acodec: "aac",
                       output: { mode: "save", target_key: "out/ab.mp4" } }],
  ]) {
    // Whatever the emulator makes of these, the answer is a result or a clear error.
    const r = await srv.call(tool, { ...args, wait_seconds: 60 }, { onprogress });
    if (r.isError) assert.match(errorText(r), CLEAR_ERROR, tool);
  }
  const hls = await srv.call("hls_playlist", { source: { key: "in/v.mp4" }, vcodec: "h264", output: { mode: "url", expires: 600 } });
  if (hls.isError) assert.match(errorText(hls), CLEAR_ERROR);
  assert.ok(progress.length >= 2, `${progress.length} progress notifications`);
  assert.ok(progress.some((p) => /oss-job-/.test(p.message ?? "")), JSON.stringify(progress));

  // Objects.
  await ok("object_upload", { uri: s.inp("a.png"), target_key: "docs/a.png" });
  await ok("object_download", { key: "docs/a.png", path: "dl/a.png" });
  await ok("object_head", { key: "docs/a.png" });
  await ok("object_list", { prefix: "docs/" });

  // Errors.
  assert.match(await fails("object_head", { key: "no/such.png" }), /NoSuchKey|not found|404/i);
  assert.match(await fails("image_process", { source: { key: "no/such.png" }, operations: [{ op: "resize", w: 10 }],
                                             output: { mode: "download", path: "x.png" } }), /NoSuchKey/);
  await fails("image_process", { source: { key: "in/a.png" }, operations: [{ op: "resize", w: 0 }], output: { mode: "url" } });
  await fails("job_status", { job_id: "oss-job-not-a-job" });
  await fails("object_upload", { uri: `${s.home}/.aliyun/config.json`, target_key: "x/creds.json" });

  // A wrong secret: every call that reaches OSS or IMM is refused, clearly.
  const wrong = await start("wrong-secret", { ...CREDS, sk: "WrongSecret+Key/With=Chars9x" });
  const w = await wrong.call("object_head", { key: "in/a.png" });
  assert.equal(w.isError, true);
  assert.match(errorText(w), /^\[oss\.SignatureDoesNotMatch\] /);
  const wi = await wrong.call("image_process", { source: { key: "in/a.png" }, operations: [{ op: "resize", w: 10 }],
                                                 output: { mode: "save", target_key: "out/never.png" } });
  assert.match(errorText(wi), CLEAR_ERROR);
  const wd = assertOk(await wrong.call("doctor", {}), "doctor");
  assert.equal(wd.data.ok, false);
  const wu = await wrong.call("image_process", { source: { key: "in/a.png" }, operations: [{ op: "resize", w: 10 }], output: { mode: "url" } });
  assertOk(wu, "url mode needs no request");
  // Without the token the emulator refuses the server too: it really sends it.
  const noToken = await start("no-token", { ...CREDS, token: undefined });
  const n = await noToken.call("object_head", { key: "in/a.png" });
  assert.equal(n.isError, true, "a server without the token must be refused");
  assert.match(errorText(n), CLEAR_ERROR);

  for (const { name, srv: x } of servers) {
    await x.close();
    assert.ok(x.messages.length >= (name === "main" ? 40 : 2), `${name}: ${x.messages.length} messages`);
    x.messages.forEach((m, i) => assertClean(JSON.stringify(m), `${name} message ${i}`));
    assert.match(x.stderr.text, /debug/, `${name}: the debug log was captured`);
    assertClean(x.stderr.text, `${name} stderr`);
    console.log(`${name}: ${x.messages.length} messages, ${x.stderr.text.split("\n").length} log lines, ` +
                `${(x.stderr.text.match(/<redacted>/g) ?? []).length} + ` +
                `${(JSON.stringify(x.messages).match(/<redacted>/g) ?? []).length} redactions (log + messages)`);
  }
  // The wrong secret's value is not in anything either.
  for (const { srv: x } of servers) {
    for (const f of forms("WrongSecret+Key/With=Chars9x")) {
      assert.equal(x.stderr.text.indexOf(f), -1);
      assert.equal(JSON.stringify(x.messages).indexOf(f), -1);
    }
  }
});

test("--reveal-signed-urls: the full URL only in structuredContent.url; it works; text part and log are clean", async () => {
  const srv = await start("reveal", CREDS, ["--reveal-signed-urls"]);
  const r = await srv.call("image_process", { source: { key: "in/a.png" }, operations: [{ op: "resize", w: 40 }, { op: "format", value: "jpg" }],
                                              output: { mode: "url", expires: 300 } });
  const sc = assertOk(r, "image_process url");
  assert.match(sc.url, /x-oss-signature=[0-9a-f]{64}/);
  assert.ok(sc.url.includes(encodeURIComponent(CREDS.token)), "the revealed URL carries the token");
  const got = await fetch(sc.url);
  assert.equal(got.status, 200, await got.clone().text());
  assert.match(got.headers.get("content-type"), /^image\/jpeg/);
  const body = Buffer.from(await got.arrayBuffer());
  assert.equal(body[0], 0xff);
  assert.equal(body[1], 0xd8);
  assert.ok(!sc.url_redacted.includes(sc.url));
  assertClean(sc.url_redacted, "url_redacted");
  // The text part is the same result, redacted.
  const text = r.content.map((c) => c.text ?? "").join("\n");
  assert.ok(!text.includes(sc.url), "the text part carries the full URL");
  assertClean(text, "the text part");
  // The snapshot too, and a second call with a key source of another name.
  const snap = assertOk(await srv.call("video_snapshot", { source: { key: "in/v.mp4" }, t: 0, f: "png", output: { mode: "url" } }), "snapshot url");
  assert.equal((await fetch(snap.url)).status, 200);
  await srv.close();
  // Every message but exactly those url fields, and the whole log, are clean.
  let exempted = 0;
  srv.messages.forEach((m, i) => {
    const copy = structuredClone(m);
    if (typeof copy.result?.structuredContent?.url === "string") {
      delete copy.result.structuredContent.url;
      exempted++;
    }
    assertClean(JSON.stringify(copy), `reveal message ${i}`);
  });
  assert.equal(exempted, 2);
  assert.ok(!srv.stderr.text.includes(sc.url));
  assertClean(srv.stderr.text, "reveal stderr");
});
