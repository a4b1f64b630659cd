#!/usr/bin/env python3
"""A git merge driver for gettext catalogues: three-way, entry by entry.

Git's line merge (and its `union` driver) splits entries apart when two branches each append
messages at the end of a catalogue: a `msgstr` line common to both sides is kept once, and the
file no longer compiles. This driver reads the three versions as entries (blocks separated by
blank lines, keyed by msgctxt + msgid), keeps every entry of ours in its place, takes their
version of an entry they changed and we did not, drops an entry one side removed and the
other left alone, and appends their new entries at the end. Formatting is left as it is.

Set up once per clone (the driver is named in .gitattributes):

    git config merge.po.name "gettext catalogue, entry by entry"
    git config merge.po.driver "python3 tools/po_merge.py %O %A %B"

Exit status 1 (a conflict) when both sides changed one entry differently; the entry of ours
is kept and the conflict is printed.
"""

from __future__ import annotations

import sys


def entries(path: str) -> tuple[str, dict[str, str], list[str]]:
    """(header, entries by key, keys in order)."""
    with open(path, encoding="utf-8") as handle:
        blocks = split_entries(handle.read())
    by_key: dict[str, str] = {}
    order: list[str] = []
    header = ""
    for block in blocks:
        block = block.strip("\n")
        key = _key(block)
        if key == 'msgid ""' and not header:
            header = block
            continue
        if key not in by_key:
            order.append(key)
        by_key[key] = block
    return header, by_key, order


def split_entries(text: str) -> list[str]:
    """The entries of a catalogue. An entry ends at a blank line, or where a comment or a new
    msgctxt/msgid follows its msgstr without one (hand-edited files, earlier line merges)."""
    blocks: list[list[str]] = [[]]
    in_msgstr = False
    for line in text.splitlines():
        bare = line[3:] if line.startswith("#~ ") else line
        if not line.strip():
            blocks.append([])
            in_msgstr = False
            continue
        if in_msgstr and (
            line.startswith("#") and not line.startswith('#~ "') or bare.startswith(("msgctxt ", "msgid "))
        ):
            blocks.append([])
            in_msgstr = False
        if bare.startswith("msgstr"):
            in_msgstr = True
        blocks[-1].append(line)
    return ["\n".join(b) for b in blocks if b]


def _key(block: str) -> str:
    keep, in_key = [], False
    for line in block.splitlines():
        bare = line[3:] if line.startswith("#~ ") else line
        if bare.startswith(("msgctxt ", "msgid ")):
            in_key = True
            keep.append(bare)
        elif bare.startswith(("msgstr", "msgid_plural")):
            in_key = False
        elif in_key and bare.startswith('"'):
            keep.append(bare)
    return "\n".join(keep)


def merge(base_path: str, ours_path: str, theirs_path: str) -> int:
    _, base, _ = entries(base_path)
    header, ours, order = entries(ours_path)
    _, theirs, their_order = entries(theirs_path)
    conflicts = 0
    out = [header] if header else []
    for key in order:
        mine, yours, old = ours[key], theirs.get(key), base.get(key)
        if yours is None:
            if old is not None and old == mine:
                continue  # they removed it, we left it alone
            out.append(mine)
        elif yours == mine or yours == old:
            out.append(mine)
        elif mine == old:
            out.append(yours)
        else:
            conflicts += 1
            print(f"po_merge: both sides changed {key!r}; kept ours", file=sys.stderr)
            out.append(mine)
    for key in their_order:
        if key in ours:
            continue
        if key in base and base[key] == theirs[key]:
            continue  # we removed it, they left it alone
        out.append(theirs[key])
    with open(ours_path, "w", encoding="utf-8") as handle:
        handle.write("\n\n".join(out) + "\n")
    return 1 if conflicts else 0


if __name__ == "__main__":
    sys.exit(merge(*sys.argv[1:4]))
