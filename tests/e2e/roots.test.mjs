// MCP roots: a client that declares the roots capability widens the server's local input
// directories with its file:// roots, for its own session only, re-read after
// notifications/roots/list_changed; a refused path names the caller's path and what would allow it
// (--input-dir or a root), never the server's directories. A client without roots sees the server
// as before. OMM_E2E_BACKEND=oss runs the stdio part on the oss backend (a local `uri` is uploaded
// from the same checked path); the two-session part is HTTP on the local backend.
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

import * as lib from "./lib/local_media.mjs";
import { startHttpServer } from "./lib/server.mjs";

const s = lib.scratch("omm-roots-");
// Folders that are no input directory of the server (it gets --root, --output-dir, --input-dir
// inputs), one with a space to exercise percent-encoding.
const elsewhere = path.join(s.work, "else where");
const other = path.join(s.work, "other");
const photo = path.join(elsewhere, "photo.png");
const otherPhoto = path.join(other, "photo.png");
const root = (dir) => ({ uri: pathToFileURL(dir).href, name: path.basename(dir) });
const inspect = (file) => ({ source: { uri: file }, what: "info" });
const ID = "invalid_argument.image_inspect.source.uri";

// The hint of a refusal, and none of the server's own directories in it.
function assertRefusal({ id, message }, file) {
  assert.equal(id, ID);
  assert.ok(message.startsWith(`${file} is outside the input directories`), message);
  assert.match(message, /--input-dir <a folder containing it>/);
  assert.match(message, /declare a root containing it \(MCP roots\)/);
  for (const dir of [s.root, s.outputs, s.inputs]) assert.ok(!message.includes(dir), `${dir} in: ${message}`);
}

// A client whose roots/list answer is `roots.list` (changed by the test).
function withRoots(client, list = []) {
  const roots = { list, asked: 0 };
  client.setRequestHandler(ListRootsRequestSchema, () => {
    roots.asked++;
    return { roots: roots.list };
  });
  return roots;
}

before(() => {
  mkdirSync(elsewhere, { recursive: true });
  mkdirSync(other, { recursive: true });
  for (const f of [photo, otherPhoto, s.inp("photo.png")]) {
    lib.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", f);
  }
});
after(() => rmSync(s.work, { recursive: true, force: true }));

describe(`${lib.BACKEND} backend: MCP roots over stdio`, () => {
  let plain; // no roots capability
  let rooted; // roots { listChanged: true }
  let roots;
  before(async () => {
    plain = await lib.startServer(s);
    rooted = await lib.startServer(s, [], { emulator: plain.emulator, capabilities: { roots: { listChanged: true } } });
    roots = withRoots(rooted);
  });
  after(async () => {
    await rooted?.close();
    await plain?.close();
  });

  test("without the roots capability: as before — the input directories only, with the hint", async () => {
    const r = await lib.call(plain, "image_inspect", inspect(s.inp("photo.png")));
    assert.equal(r.data.ImageWidth.value, "64");
    assertRefusal(await lib.refused(plain, "image_inspect", inspect(photo)), photo);
  });

  test("with roots that do not contain the file: refused with the hint", async () => {
    roots.list = [root(other), { uri: "https://example.com/" }];
    const refusal = await lib.refused(rooted, "image_inspect", inspect(photo));
    assertRefusal(refusal, photo);
    assert.match(refusal.message, /and the client's file:\/\/ roots/);
    assert.equal(roots.asked, 1);
    // The server's own input directories still work.
    await lib.call(rooted, "image_inspect", inspect(s.inp("photo.png")));
    assert.equal(roots.asked, 1, "the answer is kept until the roots change");
  });

  test("a root containing the file: it is read; after list_changed without it: refused again", async () => {
    roots.list = [root(elsewhere)];
    await rooted.sendRootsListChanged();
    const r = await lib.call(rooted, "image_inspect", inspect(photo));
    assert.equal(r.data.ImageWidth.value, "64");
    assert.equal(r.data.ImageHeight.value, "48");
    assert.equal(roots.asked, 2);
    // The other session gained nothing.
    assertRefusal(await lib.refused(plain, "image_inspect", inspect(photo)), photo);

    roots.list = [root(other)];
    await rooted.sendRootsListChanged();
    assertRefusal(await lib.refused(rooted, "image_inspect", inspect(photo)), photo);
    await lib.call(rooted, "image_inspect", inspect(otherPhoto));
    assert.equal(roots.asked, 3);
  });

  test("a credential file stays refused inside a root", async () => {
    const secretDir = path.join(other, ".aliyun");
    mkdirSync(secretDir, { recursive: true });
    const secret = path.join(secretDir, "photo.png");
    lib.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", secret);
    const { id, message } = await lib.refused(rooted, "image_inspect", inspect(secret));
    assert.equal(id, ID);
    assert.match(message, /credential file/);
  });
});

describe(`${lib.BACKEND} backend: --no-client-roots`, () => {
  let off;
  let offRoots;
  before(async () => {
    off = await lib.startServer(s, ["--no-client-roots"], { capabilities: { roots: { listChanged: true } } });
    offRoots = withRoots(off, [root(elsewhere)]);
  });
  after(async () => {
    await off?.close();
  });

  test("a declared root is never asked for and widens nothing", async () => {
    assertRefusal(await lib.refused(off, "image_inspect", inspect(photo)), photo);
    assert.equal(offRoots.asked, 0);
    await lib.call(off, "image_inspect", inspect(s.inp("photo.png")));
  });
});

describe("local backend: one HTTP session's roots do not widen another's", { skip: lib.OSS && "HTTP part: local backend only" }, () => {
  let server;
  const clients = [];
  const connect = async (capabilities) => {
    const client = new Client({ name: "oss-media-mcp-e2e-roots", version: "0.0.1" }, capabilities ? { capabilities } : undefined);
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    clients.push(client);
    return client;
  };
  before(async () => {
    server = await startHttpServer({ extra: ["--root", s.root, "--output-dir", path.join(s.work, "http-out"), "--input-dir", s.inputs] });
  });
  after(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await server?.stop();
  });

  test("session A reads its root; session B (other roots, or none) is refused", async () => {
    const a = await connect({ roots: { listChanged: true } });
    const rootsA = withRoots(a, [root(elsewhere)]);
    const b = await connect({ roots: {} });
    const rootsB = withRoots(b, [root(other)]);
    const c = await connect();

    const r = await lib.call(a, "image_inspect", inspect(photo));
    assert.equal(r.data.ImageWidth.value, "64");
    assertRefusal(await lib.refused(b, "image_inspect", inspect(photo)), photo);
    assertRefusal(await lib.refused(c, "image_inspect", inspect(photo)), photo);
    await lib.call(b, "image_inspect", inspect(otherPhoto));
    assertRefusal(await lib.refused(a, "image_inspect", inspect(otherPhoto)), otherPhoto);
    assert.equal(rootsA.asked, 1);
    assert.equal(rootsB.asked, 1);

    rootsA.list = [];
    await a.sendRootsListChanged();
    assertRefusal(await lib.refused(a, "image_inspect", inspect(photo)), photo);
    assert.equal(rootsA.asked, 2);
  });
});
