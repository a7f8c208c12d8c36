#!/usr/bin/env python3
"""Builds the seed corpora for fuzz/run.sh.

usage: make_seeds.py OUTDIR SOURCE...

Every *.yaml, *.yml, *.template and *.json file under the SOURCEs (missing ones are
skipped) becomes a seed behind a zero option byte (fuzz_common.h): YAML files in
OUTDIR/yaml, JSON files in OUTDIR/json. When PyYAML is available, each YAML file that
parses is also converted to a JSON stream (one value per document, as json_load.c reads
it) so that the JSON target starts from real manifests too. OUTDIR/update has every seed
once for each of UPDATE_SPLITS, the bytes fuzz_update.c reads after the option byte.
"""
import hashlib
import json
import os
import sys

try:
    import yaml
except ImportError:  # the hand-written JSON seeds in fuzz/seeds/ still apply
    yaml = None


# fuzz_update.c: how to cut the input into sets. By documents, alternating between two sets
# and among three; by bytes, in two halves.
UPDATE_SPLITS = [b"\x00\x44\x44", b"\x01\x24\x49", b"\x02\x80\x80"]


def write(outdir, kind, data):
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(outdir, kind, name), "wb") as f:
        f.write(b"\0" + data)
    for i, split in enumerate(UPDATE_SPLITS):
        with open(os.path.join(outdir, "update", "%s-%d" % (name, i)), "wb") as f:
            f.write(b"\0" + split + data)


def to_json(data):
    if yaml is None:
        return None
    try:
        docs = [d for d in yaml.safe_load_all(data) if d is not None]
        return "\n".join(json.dumps(d, default=str) for d in docs).encode()
    except Exception:  # not YAML that PyYAML accepts (templates, broken fixtures)
        return None


def main():
    outdir, sources = sys.argv[1], sys.argv[2:]
    counts = {"yaml": 0, "json": 0, "converted": 0}
    for kind in ("yaml", "json", "update"):
        os.makedirs(os.path.join(outdir, kind), exist_ok=True)
    for src in sources:
        if not os.path.isdir(src):
            continue
        for root, dirs, files in os.walk(src):
            dirs.sort()
            for fn in sorted(files):
                path = os.path.join(root, fn)
                with open(path, "rb") as f:
                    data = f.read()
                if fn.endswith(".json"):
                    write(outdir, "json", data)
                    counts["json"] += 1
                elif fn.endswith((".yaml", ".yml", ".template")):
                    write(outdir, "yaml", data)
                    counts["yaml"] += 1
                    converted = to_json(data)
                    if converted:
                        write(outdir, "json", converted)
                        counts["converted"] += 1
    print("seeds: {yaml} yaml, {json} json, {converted} converted from yaml".format(**counts)
          + ("" if yaml else " (no PyYAML: no conversion)"))


if __name__ == "__main__":
    main()
