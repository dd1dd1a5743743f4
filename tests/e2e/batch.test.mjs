// batch_process through the official SDK client, on the local backend and — OMM_E2E_BACKEND=oss —
// on the oss backend against `emulate` (DESIGN.md "Tools", "Results"):
// - 200 generated images under a prefix, with non-images (left out by the suffix filter) and one
//   corrupt file: every output checked with vipsheader, the corrupt one listed as failed;
// - kill -9 of the server mid-batch, restart, the same batch_id: every output exactly once, none
//   written again (mtimes unchanged), the manifest consistent;
// - a read-only batch collects per-item data; a dry run writes nothing; a canceled batch leaves
//   a manifest whose every `done` line names an output that exists.
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import * as lib from "./lib/local_media.mjs";
import { sleep, stopProcess, waitFor } from "./lib/server.mjs";

const s = lib.scratch("omm-batch-");
const N = 200;
const names = Array.from({ length: N }, (_, i) => `img-${String(i).padStart(3, "0")}.${i % 3 === 0 ? "jpg" : "png"}`);

// Outputs (files) under a prefix of the bucket, by name.
// A directory a failed item created is taken back while the batch runs: it may vanish between
// the two calls.
const outputsUnder = (prefix) => {
  try {
    return readdirSync(s.at(prefix)).filter((f) => !f.startsWith(".")).sort();
  } catch (e) {
    if (e.code === "ENOENT") return [];
    throw e;
  }
};
const mtimes = (prefix) =>
  Object.fromEntries(outputsUnder(prefix).map((f) => [f, statSync(path.join(s.at(prefix), f)).mtimeMs]));
const readManifest = async (client, uri) => {
  const r = await client.readResource({ uri });
  return r.contents[0].text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
};

describe(`${lib.BACKEND} backend: batch_process`, () => {
  let client;
  let sharedEmulator;  // oss: the emulator outliving a killed server
  before(async () => {
    // Three base images, copied 200 times under p/; two non-images and a corrupt PNG beside them.
    const base = [];
    for (const [i, size] of [[0, "96x64"], [1, "80x60"], [2, "64x48"]]) {
      const f = s.inp(`base${i}.${i === 0 ? "jpg" : "png"}`);
      lib.ffmpeg("-f", "lavfi", "-i", `testsrc2=size=${size}`, "-frames:v", "1", f);
      base.push(f);
    }
    mkdirSync(s.at("p"), { recursive: true });
    names.forEach((n, i) => copyFileSync(base[i % 3], s.at(`p/${n}`)));
    writeFileSync(s.at("p/readme.txt"), "not an image");
    writeFileSync(s.at("p/data.json"), "{}");
    writeFileSync(s.at("p/broken.png"), Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "latin1"), Buffer.alloc(64, 7)]));
    client = await lib.startServer(s);
  });
  after(async () => {
    await client?.close();
    if (sharedEmulator) await stopProcess(sharedEmulator.proc);
    rmSync(s.work, { recursive: true, force: true });
  });

  const thumbs = (target, extra = {}) => ({
    tool: "image_process",
    source: { prefix: "p/", suffixes: [".PNG", ".jpg"] },
    arguments: { operations: [{ op: "resize", w: 32 }, { op: "format", value: "webp" }] },
    output: { mode: "save", target_prefix: target },
    wait_seconds: 120,
    ...extra,
  });

  test("a dry run lists what would run and writes nothing", async () => {
    const r = await lib.call(client, "batch_process", thumbs("d/", { dry_run: true }));
    assert.equal(r.dry_run, true);
    assert.equal(r.total, N + 1);
    assert.equal(r.filtered_out, 2);
    assert.equal(r.operations, "image/resize,w_32/format,webp");
    assert.equal(r.items[0].target_key, "d/broken.webp");
    assert.ok(!existsSync(s.at("d")));
    // The same refusals as the run: an argument the tool refuses is refused now.
    const bad = await lib.refused(client, "batch_process", thumbs("d/", {
      dry_run: true, arguments: { operations: [{ op: "resize", w: 0 }] } }));
    assert.equal(bad.id, "invalid_argument.resize.w");
  });

  test("200 images and a corrupt one: every eligible output made, the corrupt one failed", async () => {
    const r = await lib.raw(client, "batch_process", thumbs("t/"));
    assert.ok(!r.isError, JSON.stringify(r.content));
    assert.equal(r.structuredContent.items[0].key, "p/broken.png", "failures first");
    assert.ok(!r.isError, JSON.stringify(r.content));
    const b = r.structuredContent;
    assert.equal(b.status, "partial", JSON.stringify(b).slice(0, 500));
    assert.equal(b.total, N + 1);
    assert.equal(b.done, N);
    assert.equal(b.failed, 1);
    assert.equal(b.filtered_out, 2);
    assert.match(b.batch_id, /^[A-Za-z0-9_-]+$/);
    assert.equal(b.job_id, `batch-${b.batch_id}`);
    const failed = b.items.filter((i) => i.status === "failed");
    assert.deepEqual(failed.map((i) => i.key), ["p/broken.png"]);
    assert.match(failed[0].error, /^\[engine\.decode\]|^\[oss\./);
    assert.ok(b.items.length <= 50);
    const made = outputsUnder("t");
    assert.equal(made.length, N);
    for (const n of names) {
      const out = path.join(s.at("t"), n.replace(/\.(png|jpg)$/, ".webp"));
      assert.ok(existsSync(out), out);
    }
    for (const f of made.filter((_, i) => i % 20 === 0)) {
      const h = lib.header(path.join(s.at("t"), f));
      assert.equal(h.w, 32);
      assert.match(h.loader, /webp/);
    }
    // The manifest: one done line per output, the failure with its error.
    const lines = await readManifest(client, b.manifest);
    const done = lines.filter((l) => l.status === "done");
    assert.equal(done.length, N);
    assert.equal(new Set(done.map((l) => l.key)).size, N);
    assert.equal(lines.find((l) => l.status === "failed").key, "p/broken.png");
  });

  test("kill -9 mid-batch, restart, the same batch_id: every output exactly once, none rewritten", async () => {
    const args = thumbs("u/", {
      batch_id: "resume-1",
      arguments: { operations: [{ op: "blur", r: 20, s: 20 }, { op: "resize", w: 48 }, { op: "format", value: "webp" }] },
      wait_seconds: 0,
    });
    const start = await lib.raw(client, "batch_process", args);
    assert.ok(!start.isError, JSON.stringify(start.content));
    const started = start.structuredContent;
    assert.equal(started.status, "running");
    assert.equal(started.batch_id, "resume-1");
    assert.equal(await waitFor(() => outputsUnder("u").length >= 20, 60000, 2), true);
    process.kill(client.serverPid, "SIGKILL");
    // The emulator lives on (the killed client's close would stop it); the last client and the
    // after hook stop it.
    sharedEmulator = client.emulator;
    await sleep(200);
    const before = mtimes("u");
    const madeBefore = Object.keys(before).length;
    assert.ok(madeBefore < N, `the batch was still running when killed (${madeBefore} outputs)`);

    client = await lib.startServer(s, [], { emulator: sharedEmulator });
    // A restarted server knows the batch from its manifest.
    const status = (await lib.raw(client, "job_status", { job_id: "batch-resume-1" })).structuredContent;
    assert.equal(status.interrupted, true);
    assert.equal(status.status, "partial");
    const resumed = await lib.raw(client, "batch_process", { ...args, wait_seconds: 120 });
    assert.ok(!resumed.isError, JSON.stringify(resumed.content));
    const r = resumed.structuredContent;
    assert.equal(r.status, "partial");
    assert.equal(r.done, N);
    assert.equal(r.failed, 1);
    assert.ok(r.skipped >= madeBefore - 8, `${r.skipped} skipped, ${madeBefore} made before the kill`);
    const after = mtimes("u");
    assert.equal(Object.keys(after).length, N);
    for (const [f, t] of Object.entries(before)) assert.equal(after[f], t, `${f} was written again`);
    assert.deepEqual(readdirSync(s.at("u")).filter((f) => f.startsWith(".")), []);
    const lines = await readManifest(client, r.manifest);
    const doneKeys = lines.filter((l) => l.status === "done").map((l) => l.key);
    assert.equal(new Set(doneKeys).size, N);
    assert.equal(doneKeys.length, N, "no item was done twice");
  });

  test("a read-only batch collects each item's data", async () => {
    const keys = ["p/img-000.jpg", "p/img-001.png", "p/img-002.png"];
    const r = await lib.call(client, "batch_process", {
      tool: "image_inspect", source: { keys }, arguments: { what: "info" }, wait_seconds: 60 });
    assert.equal(r.status, "succeeded");
    assert.equal(r.done, 3);
    const byKey = Object.fromEntries(r.items.map((i) => [i.key, i]));
    assert.equal(byKey["p/img-000.jpg"].data.ImageWidth.value, "96");
    assert.equal(byKey["p/img-001.png"].data.ImageWidth.value, "80");
    assert.equal(byKey["p/img-002.png"].data.ImageHeight.value, "48");
    const refused = await lib.refused(client, "batch_process", {
      tool: "image_inspect", source: { keys }, arguments: { what: "info" }, output: { mode: "save", target_prefix: "x/" } });
    assert.equal(refused.id, "invalid_argument.batch_process.output");
  });

  test("cancel through job_status leaves a consistent manifest", async () => {
    const args = thumbs("c/", {
      batch_id: "cancel-1",
      arguments: { operations: [{ op: "blur", r: 20, s: 20 }, { op: "resize", w: 40 }, { op: "format", value: "png" }] },
      wait_seconds: 0,
    });
    const start = await lib.raw(client, "batch_process", args);
    assert.equal(start.structuredContent.status, "running");
    await waitFor(() => outputsUnder("c").length >= 5, 60000, 2);
    const cr = await lib.raw(client, "job_status", { job_id: "batch-cancel-1", cancel: true });
    assert.ok(!cr.isError, JSON.stringify(cr.content));
    const c = cr.structuredContent;
    assert.equal(c.status, "canceled");
    assert.ok(c.done < N, `${c.done} done before the cancel`);
    const lines = await readManifest(client, c.manifest);
    const done = new Map(lines.filter((l) => l.status === "done").map((l) => [l.key, l.output]));
    for (const out of done.values()) assert.ok(existsSync(s.at(out)), `${out} recorded done exists`);
    assert.equal(outputsUnder("c").length, done.size, "every output is recorded");
  });

  lib.leakTest(() => client);
});
