#!/usr/bin/env python3
"""Builds the compiled-in schema tables.

usage: gen_schemas.py --root schemas --validation OUT1.cpp --published OUT2.cpp FILE...

- Validation schemas are embedded verbatim (draft 7; `$ref` into common/ allowed).
- Published schemas (what tools/list returns) are derived from each top-level tool schema:
  self-contained, root `type: object` with `properties`, `required`, `additionalProperties: false`,
  no `$schema`/`$ref`/`$defs`/`definitions`, no combinators at the root.
"""
import argparse
import copy
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT_COMBINATORS = ("allOf", "anyOf", "oneOf", "if", "then", "else", "not", "dependencies")


def load_all(root, files):
    docs = {}
    for f in files:
        rel = os.path.relpath(f, root).replace(os.sep, "/")
        with open(f, encoding="utf-8") as fh:
            docs[rel] = json.load(fh)
    return docs


def resolve_pointer(doc, pointer):
    node = doc
    for part in [p for p in pointer.split("/") if p]:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def inline_refs(node, docs, base, stack=()):
    """Replaces every $ref by a copy of its target (relative file refs and local pointers)."""
    if isinstance(node, list):
        return [inline_refs(n, docs, base, stack) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        file_part, _, pointer = ref.partition("#")
        target_file = base if not file_part else os.path.normpath(
            os.path.join(os.path.dirname(base), file_part)).replace(os.sep, "/")
        key = (target_file, pointer)
        if key in stack:
            raise SystemExit(f"recursive $ref {ref} in {base}")
        target = copy.deepcopy(resolve_pointer(docs[target_file], pointer))
        merged = inline_refs(target, docs, target_file, stack + (key,))
        extra = {k: v for k, v in node.items() if k != "$ref"}
        if extra and isinstance(merged, dict):
            merged = {**merged, **inline_refs(extra, docs, base, stack)}
        return merged
    return {k: inline_refs(v, docs, base, stack) for k, v in node.items()
            if k not in ("$schema", "$id", "definitions", "$defs", "$comment")}


def derive(rel, doc, docs):
    schema = inline_refs(doc, docs, rel)
    published = {"type": "object"}
    notes = [schema.get("description", "")] if schema.get("description") else []
    rules = doc.get("x-rules")
    if rules:
        notes.append("Rules: " + " ".join(rules))
    published["properties"] = schema.get("properties", {})
    published["required"] = schema.get("required", [])
    published["additionalProperties"] = False
    if notes:
        published["description"] = "\n".join(n for n in notes if n)
    for k in ROOT_COMBINATORS:
        published.pop(k, None)
    published.pop("x-rules", None)
    return published


def strip_x(node):
    if isinstance(node, list):
        return [strip_x(n) for n in node]
    if isinstance(node, dict):
        return {k: strip_x(v) for k, v in node.items() if not k.startswith("x-")}
    return node


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--validation", required=True)
    ap.add_argument("--published", required=True)
    ap.add_argument("--published-dir", required=True)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    docs = load_all(a.root, a.files)
    os.makedirs(a.published_dir, exist_ok=True)
    published_files = []
    for rel, doc in sorted(docs.items()):
        if "/" in rel:
            continue  # shared pieces under common/
        out = os.path.join(a.published_dir, rel)
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(strip_x(derive(rel, doc, docs)), fh, ensure_ascii=False, sort_keys=True, indent=None,
                      separators=(",", ":"))
        published_files.append(out)
    embed = os.path.join(HERE, "embed.py")
    subprocess.check_call([sys.executable, embed, "--out", a.validation, "--func", "schema_files",
                           "--root", a.root] + a.files)
    subprocess.check_call([sys.executable, embed, "--out", a.published, "--func", "published_schemas",
                           "--root", a.published_dir] + published_files)


if __name__ == "__main__":
    main()
