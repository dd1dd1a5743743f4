// `oss-media-mcp emulate` against the official ali-oss client: with V4 and with V1 signatures,
// put / get / range get / head / delete, ListObjects v1 and v2 (paging, delimiter), a
// multipart upload of several parts, an x-oss-process resize checked with vipsheader, a
// presigned GET with plain fetch, a wrong secret (403 SignatureDoesNotMatch), runs with
// --fault-5xx (the client sees 5xx answers) and --fault-drop; then sys/saveas, an
// x-oss-async-process job followed through IMM GetTask and a blind-watermark decode task, with
// IMM requests signed ACS3 by a small signer written here from the published algorithm (a
// second implementation next to src/oss). The emulator binds 127.0.0.1 only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createHash, createHmac, randomBytes } from "node:crypto";
import OSS from "ali-oss";

import { startEmulate, stopProcess } from "./lib/server.mjs";

const AK = "emu-test-ak";
const SK = "emu-test-secret";
const BUCKET = "emu-bucket";

const dir = mkdtempSync(path.join(tmpdir(), "omm-emulate-"));
const servers = [];

// Starts the emulator on a fresh root: { proc, base, port, root, stderr }.
async function startEmulator(extra = []) {
  const root = mkdtempSync(path.join(dir, "root-"));
  const emu = await startEmulate({ root, ak: AK, sk: SK, extra });
  servers.push(emu.proc);
  return { ...emu, root };
}

function client(base, { v4, secret = SK, ...rest } = {}) {
  return new OSS({
    accessKeyId: AK,
    accessKeySecret: secret,
    bucket: BUCKET,
    region: "oss-cn-hangzhou",
    endpoint: base,
    secure: false,
    authorizationV4: v4,
    timeout: 30000,
    ...rest,
  });
}

async function expectOssError(promise, status, code) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.status, status, `status of ${err.code}: ${err.message}`);
    assert.equal(err.code, code);
    assert.match(err.requestId ?? "", /^[0-9A-F]{24}$/);
    return true;
  });
}

let emu;
let png;
let big;

before(async () => {
  png = path.join(dir, "in.png");
  execFileSync("vips", ["black", png, "200", "120", "--bands", "3"]);
  big = path.join(dir, "big.bin");
  writeFileSync(big, randomBytes(350 * 1024 + 123));
  emu = await startEmulator();
});

after(async () => {
  for (const p of servers) await stopProcess(p);
  rmSync(dir, { recursive: true, force: true });
});

for (const v4 of [true, false]) {
  const sig = v4 ? "V4" : "V1";

  test(`${sig}: put, get, range get, head, delete`, async () => {
    const oss = client(emu.base, { v4 });
    const key = `${sig}/dir/hello world+1.txt`;
    const body = Buffer.from("hello, emulated OSS");
    const put = await oss.put(key, body);
    assert.equal(put.res.status, 200);
    assert.match(put.res.headers.etag, /^"[0-9A-F]{32}"$/);
    assert.match(put.res.headers["x-oss-request-id"], /^[0-9A-F]{24}$/);
    const crc = put.res.headers["x-oss-hash-crc64ecma"];
    assert.match(crc, /^\d+$/);

    const got = await oss.get(key);
    assert.equal(got.res.status, 200);
    assert.deepEqual(got.content, body);
    assert.equal(got.res.headers["x-oss-hash-crc64ecma"], crc);
    assert.equal(got.res.headers.etag, put.res.headers.etag);

    const range = await oss.get(key, { headers: { Range: "bytes=7-14" } });
    assert.equal(range.res.status, 206);
    assert.equal(range.content.toString(), "emulated");
    assert.equal(range.res.headers["content-range"], `bytes 7-14/${body.length}`);
    await expectOssError(oss.get(key, { headers: { Range: "bytes=500-" } }), 416, "InvalidRange");

    const head = await oss.head(key);
    assert.equal(head.status, 200);
    assert.equal(Number(head.res.headers["content-length"]), body.length);
    assert.equal(head.res.headers.etag, put.res.headers.etag);

    const del = await oss.delete(key);
    assert.equal(del.res.status, 204);
    await expectOssError(oss.get(key), 404, "NoSuchKey");
    await expectOssError(oss.head(key), 404, "NoSuchKey");
    await expectOssError(client(emu.base, { v4, bucket: "no-such-bucket" }).get("x"), 404, "NoSuchBucket");
  });

  test(`${sig}: ListObjects v1 and v2 (prefix, delimiter, paging)`, async () => {
    const oss = client(emu.base, { v4 });
    const base = `${sig}-list/`;
    const keys = ["a.txt", "b.txt", "sub/c.txt", "sub/d.txt", "z.txt"].map((k) => base + k);
    for (const k of keys) await oss.put(k, Buffer.from(k));

    const v1 = await oss.list({ prefix: base, "max-keys": 100 });
    assert.deepEqual(v1.objects.map((o) => o.name), keys);
    assert.equal(v1.objects[0].size, keys[0].length);
    const folded = await oss.list({ prefix: base, delimiter: "/" });
    assert.deepEqual(folded.objects.map((o) => o.name), [keys[0], keys[1], keys[4]]);
    assert.deepEqual(folded.prefixes, [`${base}sub/`]);
    const page = await oss.list({ prefix: base, "max-keys": 2 });
    assert.equal(page.isTruncated, true);
    assert.equal(page.nextMarker, keys[1]);
    const rest = await oss.list({ prefix: base, marker: page.nextMarker, "max-keys": 100 });
    assert.deepEqual(rest.objects.map((o) => o.name), keys.slice(2));

    const seen = [];
    let token;
    for (let i = 0; i < 10; i++) {
      const r = await oss.listV2({ prefix: base, "max-keys": 2, "continuation-token": token });
      seen.push(...r.objects.map((o) => o.name));
      assert.ok(r.keyCount <= 2);
      if (!r.isTruncated) break;
      token = r.nextContinuationToken;
      assert.ok(token);
    }
    assert.deepEqual(seen, keys);
    const after = await oss.listV2({ prefix: base, "start-after": keys[2], delimiter: "/" });
    assert.deepEqual(after.objects.map((o) => o.name), [keys[4]]);
    for (const k of keys) await oss.delete(k);
  });

  test(`${sig}: multipart upload of several parts`, async () => {
    const oss = client(emu.base, { v4 });
    const key = `${sig}/big.bin`;
    const parts = [];
    const r = await oss.multipartUpload(key, big, {
      partSize: 100 * 1024,
      progress: (p, cpt) => {
        if (cpt) parts.push(cpt.doneParts.length);
      },
    });
    assert.equal(r.res.status, 200);
    assert.ok(Math.max(...parts) >= 4, `parts uploaded: ${parts}`);
    const got = await oss.get(key);
    assert.deepEqual(got.content, readFileSync(big));
    const { uploads } = await oss.listUploads({});
    assert.equal(uploads.length, 0);
    // An aborted upload is gone.
    const init = await oss.initMultipartUpload(`${sig}/aborted.bin`);
    await oss.abortMultipartUpload(`${sig}/aborted.bin`, init.uploadId);
    await expectOssError(oss.uploadPart(`${sig}/aborted.bin`, init.uploadId, 1, big, 0, 1024), 404, "NoSuchUpload");
  });

  test(`${sig}: x-oss-process resize returns the processed image`, async () => {
    const oss = client(emu.base, { v4 });
    await oss.put(`${sig}/img/in.png`, png);
    const out = path.join(dir, `out-${sig}.png`);
    const r = await oss.get(`${sig}/img/in.png`, out, { process: "image/resize,w_50" });
    assert.equal(r.res.status, 200);
    assert.equal(execFileSync("vipsheader", ["-f", "width", out]).toString().trim(), "50");
    assert.equal(execFileSync("vipsheader", ["-f", "height", out]).toString().trim(), "30");
    const info = await oss.get(`${sig}/img/in.png`, { process: "image/info" });
    const json = JSON.parse(info.content.toString());
    assert.equal(json.ImageWidth.value, "200");
    await expectOssError(oss.get(`${sig}/img/in.png`, { process: "image/resize,w_0" }), 400, "InvalidArgument");
  });

  test(`${sig}: presigned GET with plain fetch; a wrong secret is refused`, async () => {
    const oss = client(emu.base, { v4 });
    const key = `${sig}/signed/file.txt`;
    await oss.put(key, Buffer.from("presigned body"));
    // ali-oss signs URLs only for host-name endpoints (virtual-hosted: emu-bucket.localhost);
    // the signature covers /bucket/key, not the host, so the same URL is valid path-style on
    // 127.0.0.1, which plain fetch can address.
    const signer = client(emu.base.replace("127.0.0.1", "localhost"), { v4 });
    const signed = v4
      ? await signer.signatureUrlV4("GET", 60, {}, key)
      : signer.signatureUrl(key, { expires: 60 });
    const url = new URL(signed);
    assert.equal(url.hostname, `${BUCKET}.localhost`);
    url.hostname = "127.0.0.1";
    url.pathname = `/${BUCKET}${url.pathname}`;
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "presigned body");
    const tampered = new URL(url);
    tampered.pathname = `/${BUCKET}/${sig}/signed/other.txt`;
    const denied = await fetch(tampered);
    assert.equal(denied.status, 403);
    assert.match(await denied.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    const anonymous = await fetch(`${emu.base}/${BUCKET}/${key}`);
    assert.equal(anonymous.status, 403);
    assert.match(await anonymous.text(), /<Code>AccessDenied<\/Code>[\s\S]*<RequestId>/);

    const wrong = client(emu.base, { v4, secret: "not-the-secret" });
    await expectOssError(wrong.get(key), 403, "SignatureDoesNotMatch");
    await expectOssError(wrong.put(`${sig}/x.txt`, Buffer.from("x")), 403, "SignatureDoesNotMatch");
  });
}

test("--security-token: STS requests must present the token (V4 and V1)", async () => {
  const sts = await startEmulator(["--security-token", "sts-token-1"]);
  for (const v4 of [true, false]) {
    const ok = client(sts.base, { v4, stsToken: "sts-token-1" });
    assert.equal((await ok.put("sts/a.txt", Buffer.from("a"))).res.status, 200);
    assert.equal((await ok.get("sts/a.txt")).content.toString(), "a");
    await expectOssError(client(sts.base, { v4 }).get("sts/a.txt"), 403, "InvalidSecurityToken");
    await expectOssError(client(sts.base, { v4, stsToken: "other" }).get("sts/a.txt"), 403, "InvalidSecurityToken");
  }
});

test("fault run: with --fault-5xx 0.5 the client sees 5xx answers and successes", async () => {
  const faulty = await startEmulator(["--fault-5xx", "0.5", "--seed", "7"]);
  const oss = client(faulty.base, { v4: true });
  const statuses = [];
  for (let i = 0; i < 24; i++) {
    try {
      const r = await oss.put(`f/${i}.txt`, Buffer.from(String(i)));
      statuses.push(r.res.status);
    } catch (err) {
      statuses.push(err.status);
      assert.equal(err.code, "ServiceUnavailable");
    }
  }
  const failed = statuses.filter((s) => s >= 500).length;
  assert.ok(failed > 0, `no 5xx among ${statuses}`);
  assert.ok(failed < statuses.length, `only 5xx: ${statuses}`);
  assert.ok(statuses.every((s) => s === 200 || s === 503), `${statuses}`);
});

test("fault runs: --fault-drop 1 closes before acting, --fault-drop-after 1 after acting", async () => {
  const dropping = await startEmulator(["--fault-drop", "1"]);
  const oss = client(dropping.base, { v4: true, timeout: 5000 });
  await assert.rejects(oss.put("d/x.txt", Buffer.from("x")), (err) => {
    assert.equal(err.status, -1, `${err.name}: ${err.message}`);
    return true;
  });
  // Nothing was acted on.
  assert.throws(() => readFileSync(path.join(dropping.root, BUCKET, "d/x.txt")));

  // --fault-drop-after: the object is written, yet the client gets no answer.
  const late = await startEmulator(["--fault-drop-after", "1"]);
  await assert.rejects(client(late.base, { v4: false, timeout: 5000 }).put("d/y.txt", Buffer.from("y")),
    (err) => err.status === -1);
  assert.equal(readFileSync(path.join(late.root, BUCKET, "d/y.txt"), "utf8"), "y");
});

// IMM RPC: POST / with the parameters in the query, signed ACS3-HMAC-SHA256.
async function imm(base, action, params, secret = SK) {
  const enc = (v) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  const query = Object.keys(params).sort().map((k) => `${enc(k)}=${enc(params[k])}`).join("&");
  const headers = {
    host: new URL(base).host,
    "x-acs-action": action,
    "x-acs-version": "2020-09-30",
    "x-acs-date": new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    "x-acs-signature-nonce": randomBytes(16).toString("hex"),
    "x-acs-content-sha256": createHash("sha256").update("").digest("hex"),
  };
  const names = Object.keys(headers).sort();
  const canonical = ["POST", "/", query, names.map((n) => `${n}:${headers[n]}\n`).join(""), names.join(";"),
    headers["x-acs-content-sha256"]].join("\n");
  const toSign = "ACS3-HMAC-SHA256\n" + createHash("sha256").update(canonical).digest("hex");
  const signature = createHmac("sha256", secret).update(toSign).digest("hex");
  const authorization = `ACS3-HMAC-SHA256 Credential=${AK},SignedHeaders=${names.join(";")},Signature=${signature}`;
  const { host, ...sent } = headers;
  const res = await fetch(`${base}/?${query}`, { method: "POST", headers: { ...sent, authorization } });
  return { status: res.status, body: await res.json() };
}

test("sys/saveas, x-oss-async-process + IMM GetTask, blind watermark decode", async () => {
  const oss = client(emu.base, { v4: true });
  await oss.put("proc/in.png", png);
  // sys/saveas (ali-oss form-encodes the body and writes standard Base64).
  const saved = await oss.processObjectSave("proc/in.png", "proc/out/small+1.png", "image/resize,w_40", BUCKET);
  assert.equal(saved.status, 200);
  const out = path.join(dir, "saved.png");
  await oss.get("proc/out/small+1.png", out);
  assert.equal(execFileSync("vipsheader", ["-f", "width", out]).toString().trim(), "40");

  // IMM: a project, its bucket attachment, errors.
  let r = await imm(emu.base, "CreateProject", { ProjectName: "emu-project" });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.Project.ProjectName, "emu-project");
  r = await imm(emu.base, "AttachOSSBucket", { ProjectName: "emu-project", OSSBucket: BUCKET });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await imm(emu.base, "GetOSSBucketAttachment", { OSSBucket: BUCKET });
  assert.equal(r.body.ProjectName, "emu-project");
  r = await imm(emu.base, "GetProject", { ProjectName: "emu-project" }, "not-the-secret");
  assert.equal(r.status, 400);
  assert.equal(r.body.Code, "SignatureDoesNotMatch");
  assert.ok(r.body.RequestId);
  r = await imm(emu.base, "GetProject", { ProjectName: "nope" });
  assert.equal(r.status, 404);
  assert.equal(r.body.Code, "ResourceNotFound");

  // x-oss-async-process through a presigned POST; the job's state through GetTask.
  const video = path.join(dir, "v.mp4");
  execFileSync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-t", "1",
    "-pix_fmt", "yuv420p", "-y", video]);
  await oss.put("proc/v.mp4", video);
  const frame = path.join(dir, "frame.jpg");
  await oss.get("proc/v.mp4", frame, { process: "video/snapshot,t_500,f_jpg" });
  assert.equal(execFileSync("vipsheader", ["-f", "width", frame]).toString().trim(), "64");
  await expectOssError(oss.get("proc/v.mp4", { process: "video/convert,f_mp4" }), 400, "InvalidArgument");
  const signer = client(emu.base.replace("127.0.0.1", "localhost"), { v4: true });
  const url = new URL(await signer.signatureUrlV4("POST", 60,
    { headers: { "Content-Type": "text/plain" }, queries: { "x-oss-async-process": null } }, "proc/v.mp4"));
  url.hostname = "127.0.0.1";
  url.pathname = `/${BUCKET}${url.pathname}`;
  const b64 = (s) => Buffer.from(s).toString("base64url");
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: `x-oss-async-process=video/convert,f_mp4,vcodec_h264|sys/saveas,o_${b64("proc/v-out.mp4")},b_${b64(BUCKET)}`,
  });
  const job = await res.json();
  assert.equal(res.status, 200, JSON.stringify(job));
  assert.match(job.TaskId, /^MediaConvert-/);
  assert.ok(job.EventId && job.RequestId);
  let task;
  for (let i = 0; i < 300; i++) {
    task = (await imm(emu.base, "GetTask", { ProjectName: "emu-project", TaskType: "MediaConvert", TaskId: job.TaskId })).body;
    if (task.Status !== "Running") break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.equal(task.Status, "Succeeded", JSON.stringify(task));
  assert.equal(task.ProjectName, "emu-project");
  const converted = await oss.get("proc/v-out.mp4");
  assert.equal(converted.content.subarray(4, 8).toString(), "ftyp");

  // A job that fails is reported Failed with a code and a message.
  await oss.put("proc/not-media.mp4", Buffer.from("this is not a video"));
  const badUrl = new URL(await signer.signatureUrlV4("POST", 60,
    { headers: { "Content-Type": "text/plain" }, queries: { "x-oss-async-process": null } }, "proc/not-media.mp4"));
  badUrl.hostname = "127.0.0.1";
  badUrl.pathname = `/${BUCKET}${badUrl.pathname}`;
  const bad = await (await fetch(badUrl, {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: `x-oss-async-process=video/convert,f_mp4|sys/saveas,o_${b64("proc/never.mp4")}`,
  })).json();
  for (let i = 0; i < 300; i++) {
    task = (await imm(emu.base, "GetTask", { ProjectName: "emu-project", TaskType: "MediaConvert", TaskId: bad.TaskId })).body;
    if (task.Status !== "Running") break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.equal(task.Status, "Failed", JSON.stringify(task));
  assert.ok(task.Code && task.Message, JSON.stringify(task));
  await expectOssError(oss.head("proc/never.mp4"), 404, "NoSuchKey");

  // Blind watermark: embed with sys/saveas, decode with IMM.
  const photo = path.join(dir, "photo.png");
  execFileSync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x480", "-frames:v", "1", "-y", photo]);
  await oss.put("proc/photo.png", photo);
  await oss.processObjectSave("proc/photo.png", "proc/marked.png", `image/blindwatermark,content_${b64("emu-mark")}`, BUCKET);
  r = await imm(emu.base, "CreateDecodeBlindWatermarkTask",
    { ProjectName: "emu-project", SourceURI: `oss://${BUCKET}/proc/marked.png` });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const decodeTask = r.body.TaskId;
  assert.match(decodeTask, /^DecodeBlindWatermark-/);
  for (let i = 0; i < 300; i++) {
    task = (await imm(emu.base, "GetTask", { ProjectName: "emu-project", TaskType: "DecodeBlindWatermark", TaskId: decodeTask })).body;
    if (task.Status !== "Running") break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.equal(task.Status, "Succeeded", JSON.stringify(task));
  assert.equal(task.Content, "emu-mark");
  // Synchronous detections answer the vision engine's IMM-shaped JSON.
  r = await imm(emu.base, "DetectImageScore", { ProjectName: "emu-project", SourceURI: `oss://${BUCKET}/proc/photo.png` });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(typeof r.body.ImageScore.OverallQualityScore, "number");
  r = await imm(emu.base, "DetectImageFaces", { ProjectName: "emu-project", SourceURI: `oss://${BUCKET}/proc/photo.png` });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(Array.isArray(r.body.Faces));
  r = await imm(emu.base, "DetectImageFaces", { ProjectName: "emu-project", SourceURI: `oss://${BUCKET}/proc/none.png` });
  assert.equal(r.status, 404);
  assert.equal(r.body.Code, "ResourceNotFound");

  const result = await imm(emu.base, "GetDecodeBlindWatermarkResult",
    { ProjectName: "emu-project", TaskType: "DecodeBlindWatermark", TaskId: decodeTask });
  assert.equal(result.body.Content, "emu-mark");
});
