// The npm lockfile pins exact versions and names no registry or other host.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const text = readFileSync(new URL("./package-lock.json", import.meta.url), "utf8");
const lock = JSON.parse(text);
const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

test("package.json pins exact versions and the lockfile matches them", () => {
  for (const [name, version] of Object.entries(pkg.dependencies)) {
    assert.match(version, /^\d+\.\d+\.\d+$/, `${name} is not pinned exactly: ${version}`);
    assert.equal(lock.packages[`node_modules/${name}`]?.version, version, `${name} in package-lock.json`);
  }
});

test("package-lock.json has no resolved URLs and names no host", () => {
  assert.equal((text.match(/"resolved"/g) ?? []).length, 0, 'has "resolved" entries');
  assert.ok(!/registry\.npmjs/.test(text), "names the npm registry");
  assert.ok(!/https?:\/\//.test(text), "contains a URL (run: node clean-lockfile.mjs)");
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (where) assert.ok(entry.integrity || entry.link, `${where} has no integrity hash`);
  }
});
