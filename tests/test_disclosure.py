"""Disclosure control: unit tests of the plan, and an attack on bexley's public report.

The attack reads only what the published HTML shows: every count carries a
``data-count`` key, and this test works out, from the raw return and its own
description of what each key adds up (written here independently of
``scwres.disclosure.suppression``), which raw cells each count sums. A hidden count is
recoverable exactly when its vector is a linear combination of the shown
counts' vectors, whatever additions and subtractions a reader tries.
"""

from __future__ import annotations

import numpy as np
import pytest
from bs4 import BeautifulSoup

from scwres.disclosure import suppression as disclosure
from scwres.disclosure.metrics_table import calculate
from scwres.intake.params import load_params
from scwres.schema import ethnic_group, subgroup
from scwres.validate.validation import load_return

# --- unit tests of the plan --------------------------------------------------------------------------

A, C = frozenset({("x", "adults", "me")}), frozenset({("x", "children", "me")})


def test_small_count_is_hidden_with_a_partner_so_the_total_cannot_reveal_it():
    entries = {"adults": (A, 3), "children": (C, 50), "all": (A | C, 53)}
    plan = disclosure.plan(entries, threshold=10)
    assert plan.hidden("adults")
    assert plan.hidden("children") or plan.hidden("all")


def test_zero_is_shown_and_large_counts_alone_are_not_hidden():
    entries = {"adults": (A, 0), "children": (C, 50), "all": (A | C, 50)}
    assert disclosure.plan(entries, threshold=10).hidden_keys == set()


def test_hidden_total_is_protected_from_its_shown_members():
    other = frozenset({("x", "adults", "white")})
    entries = {"me": (A, 4), "white": (other, 40), "total": (A | other, 44)}
    plan = disclosure.plan(entries, threshold=10)
    assert plan.hidden("me") and (plan.hidden("white") or plan.hidden("total"))


def test_same_number_has_the_same_status_everywhere():
    entries = {"m3 base": (A, 5), "m5 base": (A, 5), "big": (C, 90)}
    plan = disclosure.plan(entries, threshold=10)
    assert plan.hidden("m3 base") and plan.hidden("m5 base") and not plan.hidden("big")


@pytest.mark.parametrize("la", ["bexley", "norfolk"])
def test_catalogue_counts_match_the_metrics_table_and_the_raw_return(la):
    """The disclosure module's description of each count gives the metrics table's numbers."""
    params = load_params(la)
    frame = calculate(la, "2024", params)
    tables = load_return(la, "2024", pay_bands=params["pay_bands"])
    structure = disclosure.structure_from_params(params)
    entries = disclosure.catalogue(frame, structure, disclosure.extra_counts(tables, params))
    atoms = atom_values(tables, params)
    for key, (members, value) in entries.items():
        assert sum(atoms.get(a, 0) for a in members) == value, key


def atom_values(tables, params) -> dict[tuple, int]:
    wm = bool(params.get("white_minorities_as_minority_ethnic"))

    def group(code):
        g = ethnic_group(code, wm)
        return "white" if g == "white" else ("unknown" if g == "unknown" else subgroup(code, wm))

    out: dict[tuple, int] = {}
    for name, frame in tables.items():
        if name == "population":
            continue
        for col in [c for c in frame.columns if c not in ("service", "ethnicity", "pay_band", "senior_manager",
                                                           "regulated")]:
            for r in frame.itertuples(index=False):
                key = (f"{name}.{col}", r.service, group(r.ethnicity))
                if name == "workforce":
                    key += (r.pay_band, r.senior_manager, r.regulated)
                out[key] = out.get(key, 0) + int(getattr(r, col))
    return out


def test_metrics_flag_marks_every_row_resting_on_a_small_count():
    params = load_params("bexley")
    frame = calculate("bexley", "2024", params)
    for r in frame.itertuples(index=False):
        if r.breakdown == "population_share":
            assert not r.suppressed
        elif any(0 < getattr(r, c) < 10 for c in disclosure.COUNT_COLUMNS):
            assert r.suppressed, (r.metric, r.service, r.breakdown)


# --- the attack on a published report ----------------------------------------------------------------

EVENTS = {"m2": ("recruitment", "appointed", {}), "m3": ("events", "disciplinary", {}), "m4": ("events", "ftp", {}),
          "m5": ("events", "cpd", {}), "m6": ("survey", "hba_public", {}),
          "m7_colleagues": ("survey", "hba_colleagues", {}), "m7_managers": ("survey", "hba_managers", {}),
          "m8": ("events", "leavers", {}), "m9": ("workforce", "headcount", {"senior_manager": "yes"})}
BASES = {"m2": ("recruitment", "shortlisted", {}), "m3": ("workforce", "headcount", {}),
         "m4": ("workforce", "headcount", {"regulated": "yes"}), "m5": ("workforce", "headcount", {}),
         "m6": ("survey", "respondents", {}), "m7_colleagues": ("survey", "respondents", {}),
         "m7_managers": ("survey", "respondents", {}), "m8": ("workforce", "headcount", {}),
         "m9": ("workforce", "headcount", {})}
SERVICES = {"adults": {"adults"}, "children": {"children"}, "all": {"adults", "children"}}


class RawCells:
    """Every count cell of a return as one unknown; a published count is a sum of some of them."""

    def __init__(self, tables, params):
        self.tables, self.params = tables, params
        self.wm = bool(params.get("white_minorities_as_minority_ethnic"))
        self.index: dict[tuple, int] = {}
        for name, frame in tables.items():
            if name == "population":
                continue
            for col in frame.columns:
                if col in ("service", "ethnicity", "pay_band", "senior_manager", "regulated"):
                    continue
                for i in range(len(frame)):
                    self.index[(name, col, i)] = len(self.index)

    def in_group(self, code: str, who: str) -> bool:
        g = ethnic_group(code, self.wm)
        if who == "white":
            return g == "white"
        if who == "unknown":
            return g == "unknown"
        if who == "any":
            return True
        if who.startswith("subgroup:"):
            return subgroup(code, self.wm) == who.split(":", 1)[1]
        return g == "minority_ethnic"

    def vector(self, table: str, col: str, service: str, who: str, where: dict[str, str]) -> np.ndarray:
        v = np.zeros(len(self.index))
        frame = self.tables[table]
        for i, r in enumerate(frame.itertuples(index=False)):
            if r.service in SERVICES[service] and self.in_group(r.ethnicity, who) and all(
                    getattr(r, k) == val for k, val in where.items()):
                v[self.index[(table, col, i)]] += 1
        return v

    def count(self, key: str) -> np.ndarray:
        """The raw cells a published ``data-count`` key adds up."""
        parts = key.split("|")
        if parts[0] in ("unknown", "total"):
            table, col = parts[1].split(".")
            return self.vector(table, col, parts[2], "unknown" if parts[0] == "unknown" else "any", {})
        metric, service, breakdown, column = parts
        group = column.split("_", 1)[1]
        who = "white" if group == "white" else (breakdown if breakdown.startswith("subgroup:") else "me")
        is_events = column.startswith("events")
        if metric == "m1":
            where = {"pay_band": breakdown} if is_events and breakdown != "overall" else {}
            return self.vector("workforce", "headcount", service, who, where)
        if metric == "m9" and breakdown in ("senior_share", "workforce_share"):
            where = {"senior_manager": "yes"} if is_events and breakdown == "senior_share" else {}
            return self.vector("workforce", "headcount", service, who, where)
        table, col, where = (EVENTS if is_events else BASES)[metric]
        v = self.vector(table, col, service, who, where)
        if metric == "m8" and not is_events and self.params.get("leaver_base") == "snapshot_plus_leavers":
            v = v + self.vector("events", "leavers", service, who, {})
        return v

    def value(self, vector: np.ndarray) -> int:
        values = np.zeros(len(self.index))
        for (table, col, i), j in self.index.items():
            values[j] = int(self.tables[table][col].iloc[i])
        return int(round(float(vector @ values)))


def in_span(target: np.ndarray, basis: np.ndarray) -> bool:
    return bool(np.abs(target - (target @ basis.T) @ basis).max(initial=0.0) < 1e-7)


def span_basis(vectors: list[np.ndarray], width: int) -> np.ndarray:
    if not vectors:
        return np.zeros((0, width))
    _, s, vt = np.linalg.svd(np.array(vectors), full_matrices=False)
    return vt[s > 1e-9 * max(1.0, s[0])]


@pytest.mark.xdist_group("pipeline")
def test_no_suppressed_count_in_bexleys_public_report_can_be_worked_out(built):
    la, period = "bexley", "2024"
    soup = BeautifulSoup(built.report(la, period).read_text(encoding="utf-8"), "html.parser")
    params = load_params(la)
    cells = RawCells(load_return(la, period, pay_bands=params["pay_bands"]), params)
    shown, hidden = {}, {}
    for span in soup.select("span[data-count]"):
        key, text = span["data-count"], span.get_text()
        vector = cells.count(key)
        if text == "[c]":
            hidden[key] = vector
        else:
            assert int(text.replace(",", "")) == cells.value(vector), f"{key} shows {text}"
            shown[key] = vector
    assert len(hidden) > 20, "bexley is small: its public report must hide many counts"
    basis = span_basis(list(shown.values()), len(cells.index))
    recovered = sorted(k for k, v in hidden.items() if in_span(v, basis))
    assert not recovered, f"suppressed counts that can be worked out from the report: {recovered[:10]}"
    # A rate, ratio, interval or assessment may be shown only if all four counts of its row are known.
    for figure in soup.select(".derived"):
        if figure.get_text() == "[c]":
            continue
        row = figure.get("data-row") or figure.find_parent("tr").get("data-row")
        assert row, f"derived figure {figure.get_text()!r} names no metrics row"
        if row.startswith("trend|"):  # earlier periods: other returns, checked by their own reports
            continue
        if row.startswith("share|"):  # share of records with unknown ethnicity
            _, source, service = row.split("|")
            for kind in ("unknown", "total"):
                assert in_span(cells.count(f"{kind}|{source}|{service}"), basis), f"{row} shows {figure.get_text()!r}"
            continue
        metric, service, breakdown, *group = row.split("|")
        columns = [f"events_{group[0]}", f"base_{group[0]}"] if group else disclosure.COUNT_COLUMNS
        for column in columns:
            vector = cells.count(f"{metric}|{service}|{breakdown}|{column}")
            assert in_span(vector, basis), f"{row} shows {figure.get_text()!r} but its {column} is not published"


@pytest.mark.xdist_group("pipeline")
def test_internal_report_shows_everything_under_a_banner(built):
    text = built.report("bexley", "2024", "internal").read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert "INTERNAL - not for publication" in soup.get_text()
    assert not [s for s in soup.select("span[data-count]") if s.get_text() == "[c]"]
    public = BeautifulSoup(built.report("bexley", "2024").read_text(encoding="utf-8"), "html.parser")
    assert "INTERNAL - not for publication" not in public.get_text()
