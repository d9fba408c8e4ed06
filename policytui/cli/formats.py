"""Writing documents to stdout in the shell's formats: json, ndjson, csv, yaml.

JSON is indented by 2 and keeps non-ASCII text as it is (UTF-8); NDJSON is one compact
object per line, for `jq -c` and line-by-line readers; YAML is PyYAML's safe dump in
block style with keys in the order given (never sorted, so the server's order of a
policy's fields is kept); CSV uses the csv module's quoting ("\\r\\n" line ends, RFC 4180).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO


def write_json(out: TextIO, document: Any) -> None:
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_ndjson(out: TextIO, objects: Iterable[Any]) -> None:
    for item in objects:
        out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")


def write_yaml(out: TextIO, document: Any) -> None:
    import yaml

    yaml.safe_dump(
        document, out, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )


def write_csv(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    import csv

    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
