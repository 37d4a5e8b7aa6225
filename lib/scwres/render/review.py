"""What a public report says, item by item, and what changed between two versions of it (for reviewers).

Why read the published HTML: the sign-off is of what readers see, so the items
are taken from the page itself - every figure (a table cell, named by its
section, table, row and column), every sentence of the findings and other
sections, every commentary paragraph and every action - rather than from the
code that wrote them. ``items`` turns a report into that list, which a sign-off
keeps (``params/signoff/<la>/<period>.signed-off.json``); ``changes`` lists what
differs between the signed-off list and a later draft, before -> after, so a
reviewer re-reads only that. The title block (banners, sign-off line), the
contents list and the fingerprint line are left out: they change with every
sign-off and are not what a reviewer approves.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

KINDS = {"figure": "Figure", "sentence": "Finding or sentence", "commentary": "Commentary paragraph",
         "action": "Action"}
ACTION_SECTION = "action-plan"


@dataclass(frozen=True)
class Item:
    """One thing the report says: its kind, where it is, a key (figures: the cell's row and column) and text."""

    kind: str
    where: str
    key: str
    text: str

    def as_list(self) -> list[str]:
        return [self.kind, self.where, self.key, self.text]


@dataclass(frozen=True)
class Change:
    """One item that changed: ``before`` None when it is new, ``after`` None when it was removed."""

    kind: str
    where: str
    before: str | None
    after: str | None


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text()).strip()


def _table_items(table, kind: str, where: str) -> Iterable[Item]:
    caption = table.find("caption")
    place = f"{where} › {_text(caption)}" if caption else where
    head = table.find("thead")
    heads = [_text(th) for th in head.find_all("th")] if head else []
    group = ""
    for tr in (tr for body in table.find_all("tbody") for tr in body.find_all("tr")):
        cells = tr.find_all(["th", "td"], recursive=False)
        if len(cells) == 1 and cells[0].get("scope") == "rowgroup":
            group = _text(cells[0])
            continue
        if not cells:
            continue
        row = " › ".join(part for part in (group, _text(cells[0])) if part)
        if kind == "action":  # an action is read as one line: its row's cells together
            yield Item(kind, place, row, " | ".join(_text(c) for c in cells))
            continue
        for number, cell in enumerate(cells[1:], 1):
            column = heads[number] if number < len(heads) else str(number)
            yield Item(kind, place, f"{row} › {column}", _text(cell))


def items(html: str) -> list[Item]:
    """Every figure, sentence, commentary paragraph and action of a report's ``<main>``, in page order.

    Read in one pass over the page: a ``<h2>`` starts a part (the action plan's is ``#action-plan``),
    a ``<h3>``/``<h4>`` a heading within it; the title block and the contents list are skipped.
    """
    from bs4 import BeautifulSoup  # nbconvert's own dependency

    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup
    for br in main.find_all("br"):
        br.replace_with(" ")
    skip: set[int] = set()
    for node in main.find_all(["header", "nav"]):
        skip.update(id(d) for d in node.find_all(True))
    commentary = {id(d) for c in main.find_all(class_="commentary") for d in c.find_all(True)}
    out: list[Item] = []
    where = heading = ""
    in_actions = False
    for node in main.find_all(["h2", "h3", "h4", "table", "p", "li", "figcaption"]):
        if id(node) in skip:
            continue
        if node.name == "h2":
            where = heading = _text(node)
            in_actions = node.get("id") == ACTION_SECTION
        elif node.name in ("h3", "h4"):
            heading = f"{where} › {_text(node)}"
        elif node.name == "table":
            skip.update(id(d) for d in node.find_all(True))
            out += _table_items(node, "action" if in_actions else "figure", heading)
        elif node.find(["p", "li", "table"]) is None and node.find("code", class_="fingerprint") is None:
            # a list item holding paragraphs is read through them; the fingerprint changes with any input
            text = _text(node)
            if text and "scroll-hint" not in (node.get("class") or []):
                kind = "commentary" if id(node) in commentary else "action" if in_actions else "sentence"
                out.append(Item(kind, heading, "", text))
    return out


def changes(before: list[Item], after: list[Item]) -> list[Change]:
    """Everything that differs, before -> after, in the order of the newer report (removals where they were).

    Figures and actions are matched by their place (a changed value is one change); sentences and
    paragraphs by their order within their heading, so an edited paragraph shows as before -> after.
    """
    out: list[Change] = []
    keyed_before = {(i.kind, i.where, i.key): i.text for i in before if i.key}
    keyed_after = {(i.kind, i.where, i.key): i.text for i in after if i.key}
    places = list(dict.fromkeys([(i.kind, i.where) for i in after] + [(i.kind, i.where) for i in before]))
    for kind, where in places:
        for key in dict.fromkeys([k for k in keyed_after if k[:2] == (kind, where)]
                                 + [k for k in keyed_before if k[:2] == (kind, where)]):
            old, new = keyed_before.get(key), keyed_after.get(key)
            if old != new:
                label = f"{where} › {key[2]}" if kind != "action" else where
                out.append(Change(kind, label, old, new))
        old_texts = [i.text for i in before if not i.key and (i.kind, i.where) == (kind, where)]
        new_texts = [i.text for i in after if not i.key and (i.kind, i.where) == (kind, where)]
        matcher = difflib.SequenceMatcher(a=old_texts, b=new_texts, autojunk=False)
        for op, a0, a1, b0, b1 in matcher.get_opcodes():
            if op == "equal":
                continue
            olds, news = old_texts[a0:a1], new_texts[b0:b1]
            for n in range(max(len(olds), len(news))):
                out.append(Change(kind, where, olds[n] if n < len(olds) else None,
                                  news[n] if n < len(news) else None))
    return out


def to_json(listed: list[Item]) -> list[list[str]]:
    return [i.as_list() for i in listed]


def from_json(data: object) -> list[Item]:
    """Items read back from a stored snapshot; anything malformed is left out rather than trusted."""
    out = []
    for entry in data if isinstance(data, list) else []:
        if isinstance(entry, list) and len(entry) == 4 and all(isinstance(x, str) for x in entry):
            out.append(Item(*entry))
    return out
