"""Generate ``reminder_bot/botapi_schema.json`` from the machine-readable Bot API spec.

Usage: ``python scripts/gen_botapi_schema.py [path/to/api.json] [-o output.json]``

The output keeps only what validation needs (names, types, required flags, the constant value
of discriminator fields such as ``type``), so the project never reads ``../shared`` at run or
test time.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SRC = ROOT.parent / "shared" / "telegram-bot-api" / "api.json"
DEFAULT_OUT = ROOT / "reminder_bot" / "botapi_schema.json"

# Discriminator fields of union members read 'Scope type, must be chat' or 'always "x"'.
_CONST_RE = re.compile(r"(?:must be|always) [\"“*]?([a-z_]+)[\"”*]?\s*$")


def _field(f: dict) -> dict:
    out: dict = {"name": f["name"], "types": f["types"], "required": bool(f["required"])}
    if f["name"] in ("type", "source", "status") and f["types"] == ["String"]:
        m = _CONST_RE.search(f.get("description", "").strip().rstrip("."))
        if m:
            out["const"] = m.group(1)
    return out


def compact(spec: dict) -> dict:
    methods = {
        name: {"returns": m.get("returns", []), "fields": [_field(f) for f in m.get("fields", [])]}
        for name, m in sorted(spec["methods"].items())
    }
    types: dict[str, dict] = {}
    for name, t in sorted(spec["types"].items()):
        entry: dict = {}
        if "subtypes" in t:
            entry["subtypes"] = t["subtypes"]
        if "fields" in t or "subtypes" not in t:
            entry["fields"] = [_field(f) for f in t.get("fields", [])]
        types[name] = entry
    return {
        "version": spec.get("version"),
        "release_date": spec.get("release_date"),
        "methods": methods,
        "types": types,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", nargs="?", default=str(DEFAULT_SRC), help="api.json to read")
    parser.add_argument("-o", "--output", default=str(DEFAULT_OUT), help="file to write")
    args = parser.parse_args(argv)
    spec = json.loads(Path(args.src).read_text(encoding="utf-8"))
    data = compact(spec)
    # One method/type per line: small, yet reviewable in a diff.
    lines = ["{"]
    lines.append(f'"version": {json.dumps(data["version"])},')
    lines.append(f'"release_date": {json.dumps(data["release_date"])},')
    for key in ("methods", "types"):
        lines.append(f'"{key}": {{')
        items = list(data[key].items())
        for i, (name, entry) in enumerate(items):
            sep = "," if i < len(items) - 1 else ""
            body = json.dumps(entry, separators=(",", ":"), ensure_ascii=False)
            lines.append(f"{json.dumps(name)}: {body}{sep}")
        lines.append("}," if key == "methods" else "}")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # never commit a broken file
    Path(args.output).write_text(text, encoding="utf-8")
    print(f"wrote {args.output}: {len(data['methods'])} methods, {len(data['types'])} types")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
