// url mode and http(s) sources on the local backend, through the official SDK client.
// Over HTTP a url-mode result is a token link served by the server itself
// (/files/<key>?expires=…&token=…); over stdio it stays file://. http(s) `uri` sources are
// fetched from a node server on 127.0.0.1, refused unless --allow-private-uri. Every output is
// checked with vipsheader / ffprobe, not with the server's own report.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createReadStream, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync }
  from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

import { BIN, assertBinary, sleep, startHttpServer } from "./lib/server.mjs";

const work = mkdtempSync(path.join(os.tmpdir(), "omm-url-"));
const inputs = path.join(work, "inputs");
const photo = path.join(inputs, "photo.png");
const clip = path.join(inputs, "clip.mp4");

const sh = (cmd, args) => execFileSync(cmd, args, { encoding: "utf8" }).trim();
const vipsheader = (file, field) => sh("vipsheader", ["-f", field, file]);

// Files left under <root>/.tmp other than url-mode results (fetched copies, partial files).
const tmpLeftovers = (root) => {
  const dir = path.join(root, ".tmp");
  let names = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n !== "results");
};

async function connectHttp(server, headers = {}) {
  const client = new Client({ name: "oss-media-mcp-e2e", version: "0.0.1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers } }));
  return client;
}

async function call(client, name, args) {
  const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 120000 });
  assert.ok(!r.isError, JSON.stringify(r.content));
  assert.equal(r.structuredContent.success, true);
  return r.structuredContent;
}

async function callError(client, name, args) {
  const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 120000 });
  assert.equal(r.isError, true, JSON.stringify(r.structuredContent ?? r.content));
  return r.content.map((c) => c.text ?? "").join("\n");
}

before(() => {
  assertBinary();
  mkdirSync(inputs, { recursive: true });
  sh("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", photo]);
  sh("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=2",
                "-c:v", "libx264", "-pix_fmt", "yuv420p", clip]);
});

after(() => rmSync(work, { recursive: true, force: true }));

describe("url mode over HTTP: the server's own token links", () => {
  const root = path.join(work, "http-media");
  const results = path.join(root, ".tmp", "results");
  let server;
  let client;
  before(async () => {
    // Results older than the longest link (24 h) are swept when new ones are made.
    mkdirSync(path.join(results, "old-hls"), { recursive: true });
    writeFileSync(path.join(results, "old.png"), "x");
    writeFileSync(path.join(results, "recent.png"), "x");
    const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000);
    utimesSync(path.join(results, "old.png"), twoDaysAgo, twoDaysAgo);
    utimesSync(path.join(results, "old-hls"), twoDaysAgo, twoDaysAgo);
    // With a bearer token on /mcp: the links carry their own token and need none.
    server = await startHttpServer({ extra: ["--root", root, "--output-dir", path.join(work, "http-out"),
                                             "--input-dir", inputs, "--auth-token", "e2e-bearer"] });
    client = await connectHttp(server, { Authorization: "Bearer e2e-bearer" });
    await call(client, "object_upload", { uri: photo, target_key: "in/photo.png" });
    await call(client, "object_upload", { uri: clip, target_key: "in/clip.mp4" });
  });
  after(async () => {
    await client?.close();
    await server?.stop();
  });

  test("image_process url: the link serves the image (GET, HEAD, Range)", async () => {
    const r = await call(client, "image_process", {
      source: { key: "in/photo.png" }, operations: [{ op: "resize", w: 160 }, { op: "format", value: "png" }],
      output: { mode: "url" } });
    const base = `http://127.0.0.1:${server.port}/files/`;
    assert.ok(r.url.startsWith(base), r.url);
    assert.match(r.url, /\?expires=\d+&token=[A-Za-z0-9_-]{43}$/);
    const expires = Number(new URL(r.url).searchParams.get("expires"));
    const now = Date.now() / 1000;
    assert.ok(expires > now + 3500 && expires <= now + 3601, `default expiry 3600 s, got ${expires - now}`);

    assert.deepEqual(readdirSync(results).filter((n) => n.startsWith("old") || n === "recent.png").sort(),
                     ["recent.png"]);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/mcp`, { method: "POST" })).status, 401);
    const res = await fetch(r.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/png");
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(Number(res.headers.get("content-length")), bytes.length);
    const file = path.join(work, "fetched.png");
    writeFileSync(file, bytes);
    assert.equal(vipsheader(file, "width"), "160");
    assert.equal(vipsheader(file, "height"), "120");
    assert.match(vipsheader(file, "vips-loader"), /png/);

    const head = await fetch(r.url, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers.get("content-length")), bytes.length);
    assert.equal((await head.arrayBuffer()).byteLength, 0);

    const part = await fetch(r.url, { headers: { Range: "bytes=1-3" } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), `bytes 1-3/${bytes.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(1, 4));
    const tail = await fetch(r.url, { headers: { Range: "bytes=-5" } });
    assert.equal(tail.status, 206);
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), bytes.subarray(bytes.length - 5));
    const past = await fetch(r.url, { headers: { Range: `bytes=${bytes.length}-` } });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get("content-range"), `bytes */${bytes.length}`);
  });

  test("a tampered token, another key or a foreign Host is refused", async () => {
    const r = await call(client, "image_process", {
      source: { key: "in/photo.png" }, operations: [{ op: "format", value: "jpg" }],
      output: { mode: "url", expires: 604800 } });
    const url = new URL(r.url);
    // The local backend caps link lifetimes at 24 h (results are swept after that).
    const lifetime = Number(url.searchParams.get("expires")) - Date.now() / 1000;
    assert.ok(lifetime > 86300 && lifetime <= 86401, `capped lifetime, got ${lifetime}`);
    const token = url.searchParams.get("token");
    const bad = new URL(r.url);
    bad.searchParams.set("token", (token[0] === "A" ? "B" : "A") + token.slice(1));
    const tampered = await fetch(bad);
    assert.equal(tampered.status, 403);
    assert.match(await tampered.text(), /\[files\.bad_token\]/);
    const later = new URL(r.url);
    later.searchParams.set("expires", String(Number(url.searchParams.get("expires")) + 1));
    assert.equal((await fetch(later)).status, 403);
    const other = new URL(r.url);
    other.pathname = other.pathname.replace(/\.jpg$/, ".png");
    assert.equal((await fetch(other)).status, 403);
    const noToken = new URL(r.url);
    noToken.search = "";
    assert.equal((await fetch(noToken)).status, 403);
    // The /mcp Host check applies to /files too (DNS rebinding).
    const status = await new Promise((resolve, reject) => {
      http.get(r.url, { headers: { Host: "evil.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on("error", reject);
    });
    assert.equal(status, 403);
  });

  test("an expired link is refused with 410", async () => {
    const r = await call(client, "image_process", {
      source: { key: "in/photo.png" }, operations: [{ op: "resize", w: 32 }], output: { mode: "url", expires: 1 } });
    await sleep(2100);
    const res = await fetch(r.url);
    assert.equal(res.status, 410);
    assert.match(await res.text(), /\[files\.expired\]/);
  });

  test("hls_playlist url: ffprobe plays the playlist over HTTP", async () => {
    const r = await call(client, "hls_playlist", {
      source: { key: "in/clip.mp4" }, vcodec: "h264", output: { mode: "url", expires: 600 } });
    assert.match(r.url, /\/files\/[^?]+\.m3u8\?expires=\d+&token=/);
    const playlist = await (await fetch(r.url)).text();
    assert.match(playlist, /^#EXTM3U/);
    const segments = playlist.split("\n").filter((l) => l && !l.startsWith("#"));
    assert.ok(segments.length >= 1);
    for (const s of segments) assert.match(s, /^\/files\/.+\.ts\?expires=\d+&token=[A-Za-z0-9_-]{43}$/);
    const info = JSON.parse(sh("ffprobe", ["-v", "error", "-print_format", "json", "-show_format",
                                           "-show_streams", r.url]));
    assert.equal(info.streams[0].codec_name, "h264");
    assert.equal(info.streams[0].width, 160);
    const duration = Number(info.format.duration);
    assert.ok(duration > 1.5 && duration < 2.5, `duration ${duration}`);
  });

  test("the result of a missing file answers 404; results live under <root>/.tmp/results", async () => {
    const r = await call(client, "image_process", {
      source: { key: "in/photo.png" }, operations: [{ op: "resize", w: 40 }], output: { mode: "url" } });
    const key = decodeURIComponent(new URL(r.url).pathname.slice("/files/".length));
    const file = path.join(root, ".tmp", "results", key);
    assert.equal(vipsheader(file, "width"), "40");
    rmSync(file);
    assert.equal((await fetch(r.url)).status, 404);
  });
});

describe("url mode over stdio stays file://", () => {
  test("image_process url over stdio", async () => {
    const root = path.join(work, "stdio-media");
    const client = new Client({ name: "oss-media-mcp-e2e", version: "0.0.1" });
    await client.connect(new StdioClientTransport({
      command: BIN, args: ["serve", "--root", root, "--output-dir", path.join(work, "stdio-out"), "--input-dir", inputs],
      stderr: "pipe", env: { PATH: process.env.PATH } }));
    try {
      await call(client, "object_upload", { uri: photo, target_key: "in/photo.png" });
      const r = await call(client, "image_process", {
        source: { key: "in/photo.png" }, operations: [{ op: "resize", w: 80 }], output: { mode: "url" } });
      assert.ok(r.url.startsWith("file://"), r.url);
      assert.equal(vipsheader(r.url.slice("file://".length), "width"), "80");
    } finally {
      await client.close();
    }
  });
});

describe("http(s) uri sources", () => {
  let origin;
  let originPort;
  const big = path.join(work, "big.bin");
  before(async () => {
    writeFileSync(big, Buffer.alloc(300 * 1024, 7));
    origin = http.createServer((req, res) => {
      const send = (file, type) => {
        res.writeHead(200, { "Content-Type": type, "Content-Length": statSync(file).size });
        createReadStream(file).pipe(res);
      };
      if (req.url === "/photo.png") return send(photo, "image/png");
      if (req.url === "/big.png") return send(big, "image/png");
      if (req.url === "/redirect.png") {
        res.writeHead(302, { Location: "/photo.png" });
        return res.end();
      }
      res.writeHead(404).end();
    });
    await new Promise((resolve) => origin.listen(0, "127.0.0.1", resolve));
    originPort = origin.address().port;
  });
  after(() => origin?.close());

  const src = (p) => `http://127.0.0.1:${originPort}${p}`;

  test("without --allow-private-uri a loopback source is refused, nothing left behind", async () => {
    const root = path.join(work, "strict-media");
    const server = await startHttpServer({ extra: ["--root", root, "--output-dir", path.join(work, "strict-out")] });
    const client = await connectHttp(server);
    try {
      const text = await callError(client, "image_process", {
        source: { uri: src("/photo.png") }, operations: [{ op: "resize", w: 50 }],
        output: { mode: "download", path: "a.png" } });
      assert.match(text, /^\[source\.fetch_refused\] 127\.0\.0\.1 is a loopback address;/);
      assert.match(text, /--allow-private-uri/);
      const redirected = await callError(client, "image_process", {
        source: { uri: src("/redirect.png") }, operations: [{ op: "resize", w: 50 }],
        output: { mode: "download", path: "b.png" } });
      assert.match(redirected, /^\[source\.fetch_refused\] 127\.0\.0\.1 is a loopback address;/);
      assert.deepEqual(tmpLeftovers(root), []);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  test("with --allow-private-uri: fetched, processed, redirect followed, size capped", async () => {
    const root = path.join(work, "open-media");
    const outputs = path.join(work, "open-out");
    const server = await startHttpServer({ extra: ["--root", root, "--output-dir", outputs,
                                                   "--allow-private-uri", "--max-fetch-bytes", "262144"] });
    const client = await connectHttp(server);
    try {
      const r = await call(client, "image_process", {
        source: { uri: src("/photo.png") }, operations: [{ op: "resize", w: 100 }, { op: "format", value: "webp" }],
        output: { mode: "download", path: "fetched.webp" } });
      assert.equal(vipsheader(r.path, "width"), "100");
      assert.equal(vipsheader(r.path, "height"), "75");
      assert.match(vipsheader(r.path, "vips-loader"), /webp/);

      const info = await call(client, "image_inspect", { source: { uri: src("/redirect.png") }, what: "info" });
      assert.equal(info.data.ImageWidth.value, "320");

      const tooBig = await callError(client, "image_process", {
        source: { uri: src("/big.png") }, operations: [{ op: "resize", w: 10 }],
        output: { mode: "download", path: "big.png" } });
      assert.match(tooBig, /^\[source\.too_large\] .*307200 bytes; the limit \(--max-fetch-bytes\) is 262144/);

      const missing = await callError(client, "image_process", {
        source: { uri: src("/nope.png") }, operations: [{ op: "resize", w: 10 }],
        output: { mode: "download", path: "nope.png" } });
      assert.match(missing, /^\[source\.fetch_failed\] .*HTTP 404/);

      // url mode is refused for uri sources by the core.
      const url = await callError(client, "image_process", {
        source: { uri: src("/photo.png") }, operations: [{ op: "resize", w: 10 }], output: { mode: "url" } });
      assert.match(url, /^\[invalid_argument\.image_process\.output\.mode\]/);

      assert.deepEqual(tmpLeftovers(root), []);
      assert.deepEqual(readdirSync(outputs).filter((f) => f.startsWith(".omm-part")), []);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
