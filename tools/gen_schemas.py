#!/usr/bin/env python3
"""Builds the compiled-in schema tables from schemas/.

usage: gen_schemas.py --root schemas --validation OUT1.cpp --published OUT2.cpp --outputs OUT3.cpp
                      --published-dir DIR FILE...

Inputs (paths relative to --root):
  <tool>.json         validation schema of one tool (draft 7; root may use allOf/if/then/dependencies and
                      $ref into common/). Root keys x-title, x-annotations, x-rules describe the tool.
  common/<name>.json  shared pieces under "definitions"; they use only local refs ("#/definitions/...").
  output/<tool>.json  the tool's output schema; may $ref common/ ("../common/result.json#/...").

Outputs:
  schema_files()       every input file verbatim (the validation schemas; valijson resolves common/ refs).
  published_schemas()  "<tool>.json": the input schema tools/list returns. Self-contained; root is
                       {type: object, properties, required, additionalProperties: false, description}; no
                       $schema/$ref/$defs/definitions/x-* anywhere; no combinators at the root; no
                       if/then/else or dependencies anywhere (op-discriminated if/then lists become anyOf,
                       dependencies become words in the description, root rules come from x-rules).
  output_schemas()     "<tool>.json": the output schema, self-contained (clients compile each one).

Every check below fails the build with a message naming the file: a schema that valijson would read
differently from the published form must not ship.
"""
import argparse
import copy
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DRAFT7 = "http://json-schema.org/draft-07/schema#"

# Keywords whose value is a map of name -> subschema, a subschema, or a list of subschemas.
MAP_KEYWORDS = ("properties", "patternProperties", "definitions")
SCHEMA_KEYWORDS = ("additionalProperties", "additionalItems", "contains", "propertyNames", "if", "then", "else",
                   "not")
LIST_KEYWORDS = ("allOf", "anyOf", "oneOf")
# valijson 1.0 ignores these silently, or they are not draft 7: never use them.
FORBIDDEN = ("unevaluatedProperties", "unevaluatedItems", "dependentRequired", "dependentSchemas", "prefixItems",
             "$defs", "$id", "id", "$anchor", "$dynamicRef", "$recursiveRef")
# Keywords allowed next to a $ref (annotations only: draft 7 ignores siblings of $ref).
REF_SIBLINGS = ("description", "title", "default", "examples", "$comment")
ROOT_KEEP = ("type", "properties", "required", "additionalProperties", "description")
ANNOTATIONS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")
MAX_DESCRIPTION = 1500


class SchemaError(Exception):
    pass


def fail(where, msg):
    raise SchemaError(f"{where}: {msg}")


# ---------------------------------------------------------------------------------------------------------------
# Walking schemas (keyword-aware: names inside "properties" are data, not keywords)

def subschemas(node):
    """Yields (keyword path suffix, subschema) for every direct subschema of a schema node."""
    if not isinstance(node, dict):
        return
    for kw in MAP_KEYWORDS:
        if isinstance(node.get(kw), dict):
            for name, sub in node[kw].items():
                yield f"{kw}/{name}", sub
    for kw in SCHEMA_KEYWORDS:
        if kw in node and isinstance(node[kw], (dict, bool)):
            yield kw, node[kw]
    for kw in LIST_KEYWORDS:
        if isinstance(node.get(kw), list):
            for i, sub in enumerate(node[kw]):
                yield f"{kw}/{i}", sub
    items = node.get("items")
    if isinstance(items, dict):
        yield "items", items
    elif isinstance(items, list):
        for i, sub in enumerate(items):
            yield f"items/{i}", sub
    deps = node.get("dependencies")
    if isinstance(deps, dict):
        for name, sub in deps.items():
            if isinstance(sub, dict):
                yield f"dependencies/{name}", sub


def walk(node, path=""):
    """Yields (json pointer, schema node) for a schema and all its subschemas."""
    yield path, node
    for suffix, sub in subschemas(node):
        yield from walk(sub, f"{path}/{suffix}")


def map_schema(node, fn):
    """Returns fn(node') where node' has every subschema already mapped (bottom-up rewrite)."""
    if not isinstance(node, dict):
        return node
    out = dict(node)
    for kw in MAP_KEYWORDS:
        if isinstance(out.get(kw), dict):
            out[kw] = {name: map_schema(sub, fn) for name, sub in out[kw].items()}
    for kw in SCHEMA_KEYWORDS:
        if isinstance(out.get(kw), dict):
            out[kw] = map_schema(out[kw], fn)
    for kw in LIST_KEYWORDS:
        if isinstance(out.get(kw), list):
            out[kw] = [map_schema(sub, fn) for sub in out[kw]]
    if isinstance(out.get("items"), dict):
        out["items"] = map_schema(out["items"], fn)
    elif isinstance(out.get("items"), list):
        out["items"] = [map_schema(sub, fn) for sub in out["items"]]
    if isinstance(out.get("dependencies"), dict):
        out["dependencies"] = {k: map_schema(v, fn) if isinstance(v, dict) else v
                               for k, v in out["dependencies"].items()}
    return fn(out)


# ---------------------------------------------------------------------------------------------------------------
# Loading and checking the sources

def load_all(root, files):
    docs = {}
    for f in files:
        rel = os.path.relpath(f, root).replace(os.sep, "/")
        with open(f, encoding="utf-8") as fh:
            try:
                docs[rel] = json.load(fh)
            except json.JSONDecodeError as e:
                fail(rel, f"not JSON: {e}")
    return docs


def kind_of(rel):
    if rel.startswith("common/"):
        return "common"
    if rel.startswith("output/"):
        return "output"
    if "/" in rel:
        return "other"
    return "tool"


def check_source(rel, doc, kind):
    if not isinstance(doc, dict):
        fail(rel, "a schema file must hold a JSON object")
    if doc.get("$schema") != DRAFT7:
        fail(rel, f'"$schema" must be "{DRAFT7}"')
    if kind == "tool" and "definitions" in doc:
        fail(rel, "tool schemas keep shared pieces in common/*.json, not in definitions")
    for path, node in walk(doc):
        if not isinstance(node, dict):
            continue
        for kw in FORBIDDEN:
            if kw in node:
                fail(rel, f"{path or '/'} uses {kw} (not draft 7, or ignored by valijson 1.0)")
        if "$ref" in node:
            ref = node["$ref"]
            extra = [k for k in node if k != "$ref" and k not in REF_SIBLINGS and not k.startswith("x-")]
            if extra:
                fail(rel, f"{path or '/'}: $ref siblings {extra} are ignored by draft 7; wrap them in allOf")
            if kind == "common" and not ref.startswith("#"):
                # valijson resolves refs inside a fetched document against the ROOT document's scope,
                # so a common file can only point into itself.
                fail(rel, f"{path}: common files use only local refs, got {ref}")
            if kind == "tool" and not ref.startswith("common/"):
                fail(rel, f"{path}: tool schemas refer only to common/*.json, got {ref}")
        if isinstance(node.get("pattern"), str):
            try:
                re.compile(node["pattern"])
            except re.error as e:
                fail(rel, f"{path}: bad pattern: {e}")
    if kind == "tool":
        if doc.get("type") != "object" or not isinstance(doc.get("properties"), dict):
            fail(rel, "root must be type object with properties")
        if doc.get("additionalProperties") is not False:
            fail(rel, "root must set additionalProperties: false")
        if not isinstance(doc.get("description"), str) or not doc["description"]:
            fail(rel, "root needs a description")
        if not isinstance(doc.get("x-title"), str) or not doc["x-title"]:
            fail(rel, "root needs x-title")
        ann = doc.get("x-annotations")
        if not isinstance(ann, dict) or sorted(ann) != sorted(ANNOTATIONS) or \
                not all(isinstance(v, bool) for v in ann.values()):
            fail(rel, f"x-annotations must set exactly {', '.join(ANNOTATIONS)} to booleans")
        rules = doc.get("x-rules", [])
        if not isinstance(rules, list) or not all(isinstance(r, str) and r for r in rules):
            fail(rel, "x-rules must be a list of non-empty strings")
        for name in doc.get("required", []):
            if name not in doc["properties"]:
                fail(rel, f"required {name} is not a property")


def check_common_names(docs):
    """valijson 1.0 caches subschemas of a fetched document by JSON pointer alone (no document URI), so two
    common files must never share a definition name."""
    owner = {}
    for rel, doc in sorted(docs.items()):
        if kind_of(rel) != "common":
            continue
        for name in doc.get("definitions", {}):
            if name in owner:
                fail(rel, f"definition {name} also exists in {owner[name]}; names must be unique across common/")
            owner[name] = rel


# ---------------------------------------------------------------------------------------------------------------
# Deriving self-contained forms

def resolve_pointer(doc, pointer, where):
    node = doc
    for part in [p for p in pointer.split("/") if p]:
        part = part.replace("~1", "/").replace("~0", "~")
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError):
            fail(where, f"unresolvable pointer #{pointer}")
    return node


def inline_refs(node, docs, base, stack=()):
    """Replaces every $ref by a copy of its target (relative file refs and local pointers). Annotation
    siblings of a $ref (description, default, ...) override the target's."""
    if isinstance(node, list):
        return [inline_refs(n, docs, base, stack) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        file_part, _, pointer = ref.partition("#")
        target_file = base if not file_part else os.path.normpath(
            os.path.join(os.path.dirname(base), file_part)).replace(os.sep, "/")
        if target_file not in docs:
            fail(base, f"$ref {ref}: {target_file} is not among the schema files")
        key = (target_file, pointer)
        if key in stack:
            fail(base, f"recursive $ref {ref}")
        target = copy.deepcopy(resolve_pointer(docs[target_file], pointer, f"{base} -> {ref}"))
        merged = inline_refs(target, docs, target_file, stack + (key,))
        extra = {k: v for k, v in node.items() if k != "$ref"}
        if extra and isinstance(merged, dict):
            merged = {**merged, **inline_refs(extra, docs, base, stack)}
        return merged
    return {k: inline_refs(v, docs, base, stack) for k, v in node.items()}


def discriminated_branches(node):
    """For allOf: [{if: {properties: {K: {const: V}}, required: [K]}, then: S}, ...] returns (K, [S...]),
    else None."""
    branches = node.get("allOf")
    if not isinstance(branches, list) or not branches:
        return None
    key = None
    out = []
    for b in branches:
        if not isinstance(b, dict) or set(b) != {"if", "then"}:
            return None
        cond = b["if"]
        props = cond.get("properties") if isinstance(cond, dict) else None
        if not isinstance(props, dict) or len(props) != 1 or set(cond) - {"properties", "required"}:
            return None
        (k, v), = props.items()
        if not isinstance(v, dict) or set(v) != {"const"} or (key is not None and k != key):
            return None
        key = k
        out.append(b["then"])
    return key, out


def is_conditional_list(branches):
    return isinstance(branches, list) and branches and all(
        isinstance(b, dict) and b and set(b) <= {"if", "then", "else"} for b in branches)


def publish_node(node):
    """Rewrites one (already inlined, children already rewritten) schema node into the published form:
    an op-discriminated if/then list becomes anyOf; other conditionals below the root (allOf of if/then,
    if/then/else, dependencies) are dropped and the node's x-rules words join its description."""
    if node and set(node) <= {"if", "then", "else"}:
        return node  # one element of an allOf list: its parent keeps or drops the whole list
    rules = node.get("x-rules")
    for k in [k for k in node if k.startswith("x-") or k in ("$schema", "$comment", "definitions")]:
        del node[k]
    found = discriminated_branches(node)
    if found:
        key, branches = found
        del node["allOf"]
        if set(node.get("properties", {})) <= {key} and set(node.get("required", [])) <= {key}:
            node.pop("properties", None)
            node.pop("required", None)
        node["anyOf"] = branches
        return node
    dropped = []
    if is_conditional_list(node.get("allOf")):
        dropped.append(node.pop("allOf"))
    for kw in ("if", "then", "else", "dependencies"):
        if kw in node:
            dropped.append(node.pop(kw))
    if dropped and not rules:
        raise SchemaError("conditional rules below the root need an x-rules text (they are dropped from the "
                          "published form)")
    if rules:
        text = rules if isinstance(rules, str) else " ".join(rules)
        base = node.get("description", "").rstrip(". ")
        node["description"] = f"{base}. {text}" if base else text
    return node


def check_published(rel, schema):
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        fail(rel, "published root must be type object with properties")
    if not isinstance(schema.get("required"), list) or schema.get("additionalProperties") is not False:
        fail(rel, "published root needs required and additionalProperties: false")
    for kw in ("allOf", "anyOf", "oneOf", "if", "then", "else", "not", "dependencies", "enum", "const"):
        if kw in schema:
            fail(rel, f"published root has {kw}")
    text = json.dumps(schema)
    for kw in ('"$schema"', '"$ref"', '"$defs"', '"definitions"', '"$id"', '"$comment"'):
        if kw in text:
            fail(rel, f"published form still contains {kw}")
    for path, node in walk(schema):
        if not isinstance(node, dict):
            continue
        if any(k.startswith("x-") for k in node):
            fail(rel, f"{path}: x- keyword left in the published form")
        for kw in ("if", "then", "else", "dependencies"):
            if kw in node:
                fail(rel, f"{path}: {kw} in the published form (below the root only op-discriminated "
                          "allOf/if/then lists are allowed; they become anyOf)")
    if len(schema.get("description", "")) > MAX_DESCRIPTION:
        fail(rel, f"description is {len(schema['description'])} characters; keep it under {MAX_DESCRIPTION}")


def derive_published(rel, doc, docs):
    inlined = inline_refs(doc, docs, rel)
    # Root combinators (allOf/if/then/dependencies: the cross-field rules) are dropped; x-rules says them.
    published = {k: inlined[k] for k in ROOT_KEEP if k in inlined}
    published["required"] = inlined.get("required", [])
    try:
        published = map_schema(published, publish_node)
    except SchemaError as e:
        fail(rel, str(e))
    description = doc["description"].strip()
    rules = doc.get("x-rules", [])
    if rules:
        description += "\nRules: " + " ".join(r.strip() for r in rules)
    published["description"] = description
    check_published(rel, published)
    return published


def derive_output(rel, doc, docs):
    schema = inline_refs(doc, docs, rel)
    schema = map_schema(schema, lambda n: {k: v for k, v in n.items()
                                           if not k.startswith("x-") and k not in ("$schema", "$comment",
                                                                                   "definitions")})
    text = json.dumps(schema)
    if schema.get("type") != "object":
        fail(rel, "output schema root must be type object")
    for kw in ('"$ref"', '"$schema"', '"definitions"', '"$defs"'):
        if kw in text:
            fail(rel, f"output schema still contains {kw}")
    for kw in ("allOf", "anyOf", "oneOf", "if", "not"):
        if kw in schema:
            fail(rel, f"output schema root has {kw}")
    return schema


def dump(path, obj):
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, ensure_ascii=False, separators=(",", ":"))


def warn_unlisted(root, listed):
    """meson lists schema files by hand (schemas/meson.build); say so when a file is missing there."""
    for dirpath, _, names in os.walk(root):
        for n in names:
            if n.endswith(".json"):
                rel = os.path.relpath(os.path.join(dirpath, n), root).replace(os.sep, "/")
                if rel not in listed:
                    print(f"gen_schemas.py: warning: {rel} is not listed in schemas/meson.build", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--validation", required=True)
    ap.add_argument("--published", required=True)
    ap.add_argument("--outputs", required=True)
    ap.add_argument("--listing", required=True)
    ap.add_argument("--published-dir", required=True)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    try:
        docs = load_all(a.root, a.files)
        warn_unlisted(a.root, set(docs))
        for rel, doc in sorted(docs.items()):
            kind = kind_of(rel)
            if kind == "other":
                fail(rel, "schema files live in schemas/, schemas/common/ or schemas/output/")
            check_source(rel, doc, kind)
        check_common_names(docs)
        tools = sorted(rel for rel in docs if kind_of(rel) == "tool")
        outputs = sorted(rel for rel in docs if kind_of(rel) == "output")
        for rel in tools:
            if "output/" + rel not in docs:
                fail(rel, f"no output schema output/{rel}")
        for rel in outputs:
            if rel[len("output/"):] not in docs:
                fail(rel, "output schema of a tool that has no schema")

        pub_dir = os.path.join(a.published_dir, "input")
        out_dir = os.path.join(a.published_dir, "output")
        os.makedirs(pub_dir, exist_ok=True)
        os.makedirs(out_dir, exist_ok=True)
        published_files, output_files = [], []
        for rel in tools:
            path = os.path.join(pub_dir, rel)
            dump(path, derive_published(rel, docs[rel], docs))
            published_files.append(path)
        for rel in outputs:
            path = os.path.join(out_dir, rel[len("output/"):])
            dump(path, derive_output(rel, docs[rel], docs))
            output_files.append(path)
        # Each tool's tools/list entry, serialized as the server would (compact, keys sorted), so
        # that tools/list sends text instead of building and dumping ~80 KB of JSON trees on every
        # start (tests/tools checks it against the published, output and validation schemas).
        listing_dir = os.path.join(a.published_dir, "listing")
        os.makedirs(listing_dir, exist_ok=True)
        listing_files = []
        for rel in tools:
            with open(os.path.join(pub_dir, rel), encoding="utf-8") as fh:
                input_schema = json.load(fh)
            with open(os.path.join(out_dir, rel), encoding="utf-8") as fh:
                output_schema = json.load(fh)
            description = input_schema.pop("description")
            title = docs[rel]["x-title"]
            entry = {"name": rel[:-len(".json")], "title": title, "description": description,
                     "inputSchema": input_schema, "outputSchema": output_schema,
                     "annotations": dict(docs[rel]["x-annotations"], title=title)}
            path = os.path.join(listing_dir, rel)
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(entry, fh, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            listing_files.append(path)
    except SchemaError as e:
        print(f"gen_schemas.py: error: {e}", file=sys.stderr)
        return 1

    embed = os.path.join(HERE, "embed.py")
    subprocess.check_call([sys.executable, embed, "--out", a.validation, "--func", "schema_files",
                           "--root", a.root] + a.files)
    subprocess.check_call([sys.executable, embed, "--out", a.published, "--func", "published_schemas",
                           "--root", pub_dir] + published_files)
    subprocess.check_call([sys.executable, embed, "--out", a.outputs, "--func", "output_schemas",
                           "--root", out_dir] + output_files)
    subprocess.check_call([sys.executable, embed, "--out", a.listing, "--func", "tool_listing",
                           "--root", listing_dir] + listing_files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
