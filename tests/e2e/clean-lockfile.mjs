// Removes the "funding" URLs npm writes into package-lock.json, so that the lockfile names no
// host at all (.npmrc already keeps "resolved" registry URLs out). Run after `npm install`:
//   node clean-lockfile.mjs
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("./package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
let removed = 0;
for (const entry of Object.values(lock.packages ?? {})) {
  if (entry.funding !== undefined) {
    delete entry.funding;
    removed++;
  }
}
writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`clean-lockfile: removed ${removed} funding entries`);
