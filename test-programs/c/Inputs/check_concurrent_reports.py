"""Checks that concurrent findings did not interleave: every JSON line parses on its own, and every
text report is a contiguous block (ERROR line, access line, frames, ..., SUMMARY line)."""
import json
import re
import sys

text_path, json_path, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])

findings = [json.loads(line) for line in open(json_path) if line.strip()]
assert len(findings) == expected, f"{len(findings)} JSON findings, expected {expected}"
assert len({f["stack"][0]["function"] for f in findings}) == expected, "findings are not distinct"

lines = open(text_path).read().splitlines()
blocks = 0
inside = False
for n, line in enumerate(lines, 1):
    if "ERROR: ffisan:" in line:
        assert not inside, f"line {n}: a report starts inside another one"
        assert re.match(r"^==\d+==ERROR: ffisan: ", line), f"line {n}: not at the start of a line: {line!r}"
        assert lines[n].startswith("READ of size"), f"line {n + 1}: expected the access line, got {lines[n]!r}"
        inside = True
    elif line.startswith("SUMMARY: ffisan:"):
        assert inside, f"line {n}: SUMMARY outside a report"
        inside = False
        blocks += 1
    elif inside:
        assert re.match(r"^(    #\d+ |READ |0x[0-9a-f]+ is |freed by |previously allocated |allocated by )", line), \
            f"line {n}: foreign line inside a report: {line!r}"
assert blocks == expected, f"{blocks} text reports, expected {expected}"
print(f"ok: {blocks} reports, none interleaved")
