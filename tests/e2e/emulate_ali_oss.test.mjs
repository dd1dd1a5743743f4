// `oss-media-mcp emulate` against the official ali-oss client: with V4 and with V1 signatures,
// put / get / range get / head / delete, ListObjects v1 and v2 (paging, delimiter), a
// multipart upload of several parts, an x-oss-process resize checked with vipsheader, a
// presigned GET with plain fetch, a wrong secret (403 SignatureDoesNotMatch) and a run with
// --fault-5xx where the client sees 5xx answers. The emulator binds 127.0.0.1 only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import OSS from "ali-oss";

import { BIN, assertBinary, collect, stopProcess } from "./lib/server.mjs";

const AK = "emu-test-ak";
const SK = "emu-test-secret";
const BUCKET = "emu-bucket";

const dir = mkdtempSync(path.join(tmpdir(), "omm-emulate-"));
const servers = [];

// Starts the emulator and resolves with its base URL from the "listening http://..." line.
function startEmulator(extra = []) {
  assertBinary();
  const root = mkdtempSync(path.join(dir, "root-"));
  const proc = spawn(
    BIN,
    ["emulate", "--root", root, "--listen", "127.0.0.1:0", "--access-key-id", AK, "--access-key-secret", SK, ...extra],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ALIBABA_CLOUD_ECS_METADATA_DISABLED: "true" } },
  );
  const stderr = collect(proc.stderr);
  servers.push(proc);
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${stderr.text}`)), 10000);
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/^listening (http:\/\/127\.0\.0\.1:(\d+))\n/m);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, base: m[1], port: Number(m[2]), root, stderr });
      }
    });
    proc.on("exit", (code) => reject(new Error(`emulator exited ${code}: ${stderr.text}`)));
  });
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
    const r = await oss.get(`${sig}/img/in.png`, out, { process: "image/resize,w_50/format,png" });
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
