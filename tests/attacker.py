"""An attacker who holds every published page at once and tries to pin each hidden count.

Written as a reader with a spreadsheet and an integer-programming solver
would work, independently of ``scwres.disclosure.suppression`` and ``scwres.disclosure.publication``:

- the unknowns are the return's cells, grouped as finely as any published
  figure distinguishes them (per council and period: table column x service x
  ethnic group, and for the workforce also pay band, senior and regulated);
- every shown count (``data-count`` cells, which the tables label) is an
  equation; counts are whole numbers >= 0, and the return's own bounds hold
  (appointed <= shortlisted, events <= headcount, answers <= respondents);
- every shown derived figure is inverted at its shown precision: a share or
  rate ``p`` at 1 dp gives ``(p - 0.05)% x base <= events <= (p + 0.05)% x
  base``; a relative likelihood at 2 dp with both bases shown gives two linear
  bounds; an unknown-ethnicity share the same way;
- warnings: a quoted headcount is an equation, "more than 10%" a bound, "changed
  by more than 25%" a disjunction (one binary variable);
- national and regional pages: a shown pooled row (RL and interval, or the
  workforce share) and a drawn funnel plot (its centre and limits are in the
  SVG at full precision) are taken to give the pooled counts exactly - more
  than the page strictly says, so an attack that fails with them fails
  without; each council's "people compared" is an equation;
- zero is shown, so a ``[c]`` is at least 1 (``at_least_one``; a hidden zero,
  which the method documents, gets no such bound - the truth picks them);
- then, with ``scipy.optimize.milp``, it minimises and maximises every hidden
  count. A count whose minimum equals its maximum is pinned: a leak, whatever
  its size. A count from 1 to threshold-1 whose feasible range holds fewer
  than four values ("2 to 4" is fine, "1 to 3" is not) is narrowed: a leak
  too. ``ranges`` keeps every range the attack proved, for reporting widths.

The true values are used only to pick the targets and to check the model (the
truth must satisfy every constraint the attacker wrote down).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from bs4 import BeautifulSoup
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from scwres.limits import MAX_COUNT
from scwres.schema import ethnic_group, subgroup

SERVICES = {"adults": ("adults",), "children": ("children",), "all": ("adults", "children")}
EVENTS = {"m2": ("recruitment.appointed", {}), "m3": ("events.disciplinary", {}), "m4": ("events.ftp", {}),
          "m5": ("events.cpd", {}), "m6": ("survey.hba_public", {}), "m7_colleagues": ("survey.hba_colleagues", {}),
          "m7_managers": ("survey.hba_managers", {}), "m8": ("events.leavers", {}),
          "m9": ("workforce.headcount", {"senior": "yes"})}
BASES = {"m2": ("recruitment.shortlisted", {}), "m3": ("workforce.headcount", {}),
         "m4": ("workforce.headcount", {"regulated": "yes"}), "m5": ("workforce.headcount", {}),
         "m6": ("survey.respondents", {}), "m7_colleagues": ("survey.respondents", {}),
         "m7_managers": ("survey.respondents", {}), "m8": ("workforce.headcount", {}),
         "m9": ("workforce.headcount", {})}
# The return's own upper bounds (validation): column <= other column, same service and ethnic group; the
# events other than leaving are bounded by the headcount plus the same row's leavers (PLUS_LEAVERS), as
# people who left during the year can have had them too.
UPPER = (("recruitment.appointed", "recruitment.shortlisted", {}), ("events.disciplinary", "workforce.headcount", {}),
         ("events.ftp", "workforce.headcount", {"regulated": "yes"}), ("events.cpd", "workforce.headcount", {}),
         ("events.leavers", "workforce.headcount", {}), ("survey.respondents", "workforce.headcount", {}),
         ("survey.hba_public", "survey.respondents", {}), ("survey.hba_colleagues", "survey.respondents", {}),
         ("survey.hba_managers", "survey.respondents", {}))
PLUS_LEAVERS = ("events.disciplinary", "events.ftp", "events.cpd")
TITLES = {"Appointment from shortlisting": "m2", "Entering the formal disciplinary process": "m3",
          "Referral into fitness to practise": "m4", "Access to funded non-mandatory training (CPD)": "m5",
          "Harassment, bullying or abuse from people who use services, their relatives or the public": "m6",
          "Harassment, bullying or abuse from colleagues": "m7_colleagues",
          "Harassment, bullying or abuse from managers": "m7_managers", "Leaving the organisation": "m8",
          "Senior management": "m9"}
SERVICE_WORDS = {"All staff": "all", "Adults' services": "adults", "Children's services": "children"}
WHO_TABLE = {"staff": "workforce.headcount", "shortlisted applicants": "recruitment.shortlisted",
             "survey respondents": "survey.respondents", "recorded events": "events"}
SERVICE_PHRASE = {"adults' services": "adults", "children's services": "children", "all staff": "all"}
PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%(?: \(above the council's threshold\))?$")
RATIO = re.compile(r"^(\d+\.\d\d)$")


@dataclass
class Council:
    """What the attacker knows of a council: its structure (public in its params) and, for scoring, its return."""

    la: str
    name: str
    params: dict[str, Any]
    tables: dict[str, dict[str, Any]]  # period -> the return's tables

    @property
    def wm(self) -> bool:
        return bool(self.params.get("white_minorities_as_minority_ethnic"))

    @property
    def me_groups(self) -> tuple[str, ...]:
        return ("asian", "black", "mixed", "other", *(("white_minorities",) if self.wm else ()))

    def group_of(self, code: str) -> str:
        g = ethnic_group(code, self.wm)
        return g if g in ("white", "unknown") else str(subgroup(code, self.wm))


@dataclass
class Leak:
    la: str
    period: str
    key: str
    value: int
    low: int = 0
    high: int = 0

    @property
    def pinned(self) -> bool:
        return self.low == self.high


@dataclass
class Attacker:
    threshold: int = 10
    councils: dict[str, Council] = field(default_factory=dict)
    index: dict[tuple, int] = field(default_factory=dict)
    by_source: dict[tuple[str, str, str], list[tuple[tuple, int]]] = field(default_factory=dict)
    truth: list[int] = field(default_factory=list)
    rows: list[tuple[dict[int, float], float, float]] = field(default_factory=list)  # lo <= a.x <= hi
    binaries: set[int] = field(default_factory=set)
    targets: dict[tuple[str, str, str], dict[int, float]] = field(default_factory=dict)
    shown: set[tuple[str, str, str]] = field(default_factory=set)
    facts: int = 0
    solves: int = 0
    at_least_one: bool = True  # zero is shown, so a [c] is at least 1
    ranges: dict[tuple[str, str, str], tuple[int, int, int]] = field(default_factory=dict)  # (true, low, high)

    # --- unknowns ----------------------------------------------------------------------------------------------

    def add_council(self, council: Council) -> None:
        self.councils[council.la] = council

    def _atoms(self, la: str, period: str) -> None:
        """Create the unknowns of one council and period (once), with their true values and bounds."""
        if (la, period, "made") in self.index:
            return
        self.index[(la, period, "made")] = -1
        council = self.councils[la]
        tables = council.tables[period]
        # Every cell a reader must allow for, present in the return or not (a reader does not know which rows
        # the return had): service x ethnic group, and for the workforce pay band x senior x regulated.
        groups = ("white", "unknown", *council.me_groups)
        for name, frame in tables.items():
            if name == "population":
                continue
            for col in [c for c in frame.columns if c not in ("service", "ethnicity", "pay_band", "senior_manager",
                                                               "regulated")]:
                for svc in ("adults", "children"):
                    for g in groups:
                        cells = [()] if name != "workforce" else [
                            (str(b), s, r) for b in council.params["pay_bands"] for s in ("yes", "no")
                            for r in ("yes", "no")]
                        for cell in cells:
                            atom = (la, period, f"{name}.{col}", svc, g, *cell)
                            self.index[atom] = len(self.truth)
                            self.truth.append(0)
                            self.by_source.setdefault(atom[:3], []).append((atom, self.index[atom]))
        for name, frame in tables.items():
            if name == "population":
                continue
            for col in [c for c in frame.columns if c not in ("service", "ethnicity", "pay_band", "senior_manager",
                                                               "regulated")]:
                for r in frame.itertuples(index=False):
                    atom = (la, period, f"{name}.{col}", r.service, council.group_of(r.ethnicity))
                    if name == "workforce":
                        atom += (str(r.pay_band), r.senior_manager, r.regulated)
                    self.truth[self.index[atom]] += int(getattr(r, col))
        plus = council.params.get("leaver_base") == "snapshot_plus_leavers"
        for column, other, where in UPPER:
            if column == "events.leavers" and plus:
                continue
            for svc in ("adults", "children"):
                for g in ("white", "unknown", *council.me_groups):
                    lhs = self.atoms(la, period, column, svc, (g,))
                    rhs = self.atoms(la, period, other, svc, (g,), **where)
                    if column in PLUS_LEAVERS:
                        rhs = {**rhs, **self.atoms(la, period, "events.leavers", svc, (g,))}
                    if not lhs or not rhs:
                        continue
                    self.rows.append(({**lhs, **{j: -1.0 for j in rhs}}, -np.inf, 0.0))

    def atoms(self, la: str, period: str, source: str, service: str, groups: Iterable[str],
              band: str | None = None, senior: str | None = None, regulated: str | None = None) -> dict[int, float]:
        """The unknowns a count adds up: {index: 1}."""
        self._atoms(la, period)
        groups = tuple(groups)
        out = {}
        for atom, j in self.by_source.get((la, period, source), []):
            if atom[3] not in SERVICES[service] or atom[4] not in groups:
                continue
            if len(atom) > 5 and ((band and atom[5] != band) or (senior and atom[6] != senior)
                                  or (regulated and atom[7] != regulated)):
                continue
            out[j] = 1.0
        return out

    def key(self, la: str, period: str, key: str) -> dict[int, float]:
        """The unknowns behind a published count key (the label of a table cell)."""
        council = self.councils[la]
        parts = key.split("|")
        if parts[0] in ("unknown", "total"):
            if parts[1] == "events":  # the events table's records: every event column
                out: dict[int, float] = {}
                for col in ("disciplinary", "ftp", "cpd", "leavers"):
                    groups = ("unknown",) if parts[0] == "unknown" else ("white", "unknown", *council.me_groups)
                    out.update(self.atoms(la, period, f"events.{col}", parts[2], groups))
                return out
            groups = ("unknown",) if parts[0] == "unknown" else ("white", "unknown", *council.me_groups)
            return self.atoms(la, period, parts[1], parts[2], groups)
        metric, service, breakdown, column = parts
        group = column.split("_", 1)[1]
        me = (breakdown.split(":", 1)[1],) if breakdown.startswith("subgroup:") else council.me_groups
        groups = ("white",) if group == "white" else me
        events = column.startswith("events")
        wf = "workforce.headcount"
        if metric == "m1":
            band = breakdown if events and breakdown != "overall" else None
            return self.atoms(la, period, wf, service, groups, band=band)
        if metric == "m9" and breakdown in ("senior_share", "workforce_share"):
            senior = "yes" if events and breakdown == "senior_share" else None
            return self.atoms(la, period, wf, service, groups, senior=senior)
        source, where = (EVENTS if events else BASES)[metric]
        out = self.atoms(la, period, source, service, groups, **where)
        if metric == "m8" and not events and council.params.get("leaver_base") == "snapshot_plus_leavers":
            out = {**out, **self.atoms(la, period, "events.leavers", service, groups)}
        return out

    def value(self, coef: dict[int, float]) -> float:
        return float(sum(c * self.truth[j] for j, c in coef.items()))

    # --- facts ---------------------------------------------------------------------------------------------

    def equal(self, coef: dict[int, float], value: float) -> None:
        self.rows.append((coef, value, value))
        self.facts += 1

    def between(self, coef: dict[int, float], low: float = -np.inf, high: float = np.inf) -> None:
        self.rows.append((coef, low, high))
        self.facts += 1

    def ratio_bounds(self, num: dict[int, float], den: dict[int, float], low: float, high: float) -> None:
        """low <= num / den <= high, as two linear rows (den >= 0)."""
        keys = set(num) | set(den)
        self.between({j: num.get(j, 0.0) - low * den.get(j, 0.0) for j in keys}, 0.0, np.inf)
        self.between({j: num.get(j, 0.0) - high * den.get(j, 0.0) for j in keys}, -np.inf, 0.0)

    def share(self, num: dict[int, float], den: dict[int, float], text: str) -> None:
        """A percentage shown at 1 dp (or 0 dp) of num / den."""
        m = PERCENT.match(text.strip())
        if not m:
            return
        places = len(m.group(1).split(".")[1]) if "." in m.group(1) else 0
        p, half = float(m.group(1)) / 100, 0.5 * 10 ** -places / 100
        self.ratio_bounds(num, den, p - half, p + half)

    # --- a council's report --------------------------------------------------------------------------------

    def read_report(self, la: str, period: str, html: str) -> None:
        soup = BeautifulSoup(html, "html.parser")
        self._atoms(la, period)
        known: dict[str, float] = {}
        for span in soup.select("span[data-count]"):
            key, text = span["data-count"], span.get_text().strip()
            coef = self.key(la, period, key)
            if text == "[c]":
                self.targets[(la, period, key)] = coef
                if self.at_least_one and self.value(coef) > 0:
                    self.between(coef, 1.0, np.inf)
            else:
                value = float(text.replace(",", ""))
                self.equal(coef, value)
                known[key] = value
                self.shown.add((la, period, key))
        for figure in soup.select(".derived"):
            text = figure.get_text().strip()
            if text in ("[c]", "–", ""):
                continue
            row = figure.get("data-row") or (figure.find_parent("tr") or {}).get("data-row")
            if not row:
                continue
            self._derived(la, period, row, text, known)
        section = soup.find("section", attrs={"aria-labelledby": "data-quality"})
        if section is not None:
            for item in section.find_all("li"):
                self._warning(la, period, item.get_text(" ", strip=True))

    def _derived(self, la: str, period: str, row: str, text: str, known: dict[str, float]) -> None:
        parts = row.split("|")
        if parts[0] == "trend":
            return  # an earlier period's RL: the same figure as in that period's own report
        if parts[0] == "share":
            _, source, service = parts
            self.share(self.key(la, period, f"unknown|{source}|{service}"),
                       self.key(la, period, f"total|{source}|{service}"), text)
            return
        if len(parts) == 4:  # a group's rate: events / base
            metric, service, breakdown, group = parts
            self.share(self.key(la, period, f"{metric}|{service}|{breakdown}|events_{group}"),
                       self.key(la, period, f"{metric}|{service}|{breakdown}|base_{group}"), text)
            return
        metric, service, breakdown = parts
        keys = {c: f"{metric}|{service}|{breakdown}|{c}" for c in ("events_me", "base_me", "events_white",
                                                                     "base_white")}
        if metric == "m1" or breakdown in ("senior_share", "workforce_share"):  # share: me / (me + white)
            me, white = self.key(la, period, keys["events_me"]), self.key(la, period, keys["events_white"])
            self.share(me, {**me, **white}, text)
            return
        m = RATIO.match(text)
        if m and known.get(keys["base_me"]) and known.get(keys["base_white"]):
            r, n1, n2 = float(m.group(1)), known[keys["base_me"]], known[keys["base_white"]]
            a, c = self.key(la, period, keys["events_me"]), self.key(la, period, keys["events_white"])
            # (a / n1) / (c / n2) in [r - 0.005, r + 0.005]  <=>  a n2 - (r +- 0.005) n1 c  <= / >= 0
            for bound, sign in ((r - 0.005, 1), (r + 0.005, -1)):
                coef = {j: n2 for j in a}
                for j in c:
                    coef[j] = coef.get(j, 0.0) - bound * n1
                self.between(coef, 0.0 if sign > 0 else -np.inf, np.inf if sign > 0 else 0.0)

    def _warning(self, la: str, period: str, text: str) -> None:
        earlier = re.search(r"since (\d{4})", text)
        if earlier and earlier.group(1) not in self.councils[la].tables:
            return  # a period this attack does not model
        m = re.search(r"headcount for (.+?) changed by ([+-]\d+)% since (\d{4}) \(([\d,]+) to ([\d,]+)\)", text)
        if m:
            service = SERVICE_PHRASE.get(m.group(1), m.group(1))
            self.equal(self.key(la, m.group(3), f"total|workforce.headcount|{service}"),
                       float(m.group(4).replace(",", "")))
            self.equal(self.key(la, period, f"total|workforce.headcount|{service}"),
                       float(m.group(5).replace(",", "")))
            return
        m = re.search(r"number of (all staff|staff in (.+?)) changed by more than a quarter since (\d{4})", text)
        if m:
            service = "all" if m.group(1) == "all staff" else SERVICE_PHRASE.get(m.group(2), m.group(2))
            old = self.key(la, m.group(3), f"total|workforce.headcount|{service}")
            new = self.key(la, period, f"total|workforce.headcount|{service}")
            limit = 0.25
            b = len(self.truth)  # one binary: grew (b = 1) or shrank (b = 0) by more than the limit
            self.truth.append(1 if self.value(new) > self.value(old) else 0)
            self.binaries.add(b)
            big = 1e6  # periods are different returns, so old and new share no unknowns
            self.between({**{j: -(1 + limit) for j in old}, **{j: 1.0 for j in new}, b: -big}, 1e-6 - big, np.inf)
            self.between({**{j: 1 - limit for j in old}, **{j: -1.0 for j in new}, b: big}, 1e-6, np.inf)
            return
        m = re.search(r"Ethnicity is not known for (more than )?(\d+(?:\.\d+)?)% of (.+?) in (.+?)[;,]", text)
        if m:
            source, service = WHO_TABLE.get(m.group(3)), SERVICE_PHRASE.get(m.group(4))
            if source is None or service is None:
                return
            unknown = self.key(la, period, f"unknown|{source}|{service}")
            total = self.key(la, period, f"total|{source}|{service}")
            if m.group(1):
                self.ratio_bounds(unknown, total, float(m.group(2)) / 100, 1.0)
            else:
                self.share(unknown, total, f"{m.group(2)}%")
            return
        m = re.search(r"headcount in the return \(([\d,]+)\)", text)
        if m:
            self.equal(self.key(la, period, "total|workforce.headcount|all"), float(m.group(1).replace(",", "")))

    # --- national and regional pages -----------------------------------------------------------------------

    def read_rollup(self, period: str, html: str, by_name: dict[str, str]) -> None:
        """A roll-up page: pooled rows, drawn funnels and each council's row (``by_name``: name -> la)."""
        soup = BeautifulSoup(html, "html.parser")
        members: set[str] = set()
        for table in soup.find_all("table"):
            for tr in table.find_all("tr"):
                th = tr.find("th", attrs={"scope": "row"})
                if th is not None and th.get_text() in by_name:
                    members.add(by_name[th.get_text()])
        for la in members:
            self._atoms(la, period)

        def pooled_exact(metric: str, service: str, columns: Iterable[str]) -> None:
            for column in columns:
                coef: dict[int, float] = {}
                for la in sorted(members):
                    coef.update(self.key(la, period, f"{metric}|{service}|overall|{column}"))
                self.equal(coef, self.value(coef))

        pooled = soup.find("h2", id="pooled")
        if pooled is not None:
            for tr in pooled.find_next("table").find_all("tr"):
                th, cells = tr.find("th", attrs={"scope": "row"}), [td.get_text() for td in tr.find_all("td")]
                if th is None or not cells or cells[0] == "[c]":
                    continue
                title, service = th.get_text().rsplit(": ", 1)
                pooled_exact(TITLES[title], SERVICE_WORDS[service], ("events_me", "base_me", "events_white",
                                                                     "base_white"))
            share = pooled.find_next("p").find_next("p")
            if share is not None and "share of the pooled workforce" in share.get_text() \
                    and "[c]" not in share.get_text():
                pooled_exact("m1", "all", ("events_me", "events_white"))
        for h2 in soup.find_all("h2"):
            metric = TITLES.get(h2.get_text())
            if metric is None:
                continue
            node = h2.find_next_sibling()
            while node is not None and node.name != "h2":
                img = node.find("img") if node.name != "img" else node
                if img is not None and img.get("src", "").startswith("data:image/svg+xml;base64,"):
                    svg = base64.b64decode(img["src"].split(",", 1)[1]).decode("utf-8")
                    if "pooled relative likelihood" in svg:  # centre and limits drawn: pooled rates exact
                        pooled_exact(metric, "all", ("events_me", "base_me", "events_white", "base_white"))
                if node.name == "div" and node.find("table") is not None:
                    for tr in node.find_all("tr"):
                        th, cells = tr.find("th", attrs={"scope": "row"}), [td.get_text() for td in tr.find_all("td")]
                        if th is None or th.get_text() not in by_name or not cells or cells[0] == "[c]":
                            continue
                        la = by_name[th.get_text()]
                        both = {**self.key(la, period, f"{metric}|all|overall|base_me"),
                                **self.key(la, period, f"{metric}|all|overall|base_white")}
                        self.equal(both, float(cells[0].replace(",", "")))
                node = node.find_next_sibling()

    # --- the attack ----------------------------------------------------------------------------------------

    def check_model(self) -> None:
        """The truth satisfies every written constraint (else the attacker misread a page)."""
        x = np.array(self.truth, dtype=float)
        for coef, low, high in self.rows:
            v = sum(c * x[j] for j, c in coef.items())
            assert low - 1e-6 <= v <= high + 1e-6, (coef, low, high, v)

    def attack(self, only: Callable[[str, str, str], bool] | None = None, first: bool = False,
               narrowing: bool = True) -> list[Leak]:
        """Minimise and maximise every hidden count; a single value, or fewer than four for a count from 1 to
        threshold-1 (``narrowing``), is a leak.

        ``only(la, period, key)`` limits the targets; ``first`` stops at the first leak found. Every range
        proved goes into ``ranges`` (as far as it was needed: a range already wide enough is not pushed on).
        """
        self.check_model()
        n = len(self.truth)
        data, ri, ci, lo, hi = [], [], [], [], []
        for i, (coef, low, high) in enumerate(self.rows):
            for j, c in coef.items():
                if c:
                    ri.append(i)
                    ci.append(j)
                    data.append(c)
            lo.append(low)
            hi.append(high)
        matrix = csr_matrix((data, (ri, ci)), shape=(len(self.rows), n))
        constraints = LinearConstraint(matrix, np.array(lo), np.array(hi))
        upper = np.full(n, float(MAX_COUNT))  # validation: no count is above 10,000,000 (bounds every maximum)
        for b in self.binaries:
            upper[b] = 1
        bounds = Bounds(np.zeros(n), upper)
        integrality = np.ones(n)
        groups: dict[tuple, list[tuple[str, str, str]]] = {}
        vectors: dict[tuple, np.ndarray] = {}
        truth: dict[tuple, int] = {}
        for (la, period, key), coef in sorted(self.targets.items()):
            true = round(self.value(coef))
            if only is not None and not only(la, period, key):
                continue
            sig = tuple(sorted(coef.items()))
            groups.setdefault(sig, []).append((la, period, key))
            if sig not in vectors:
                c = np.zeros(n)
                for j, v in coef.items():
                    c[j] = v
                vectors[sig], truth[sig] = c, true
        seen = {sig: [truth[sig], truth[sig]] for sig in vectors}

        def need(sig: tuple) -> int:
            return 3 if narrowing and 0 < truth[sig] < self.threshold else 1

        def wide(sig: tuple) -> bool:
            return seen[sig][1] - seen[sig][0] >= need(sig)

        def solve(objective: np.ndarray, limit: float | None = None) -> None:
            options = {"presolve": True, **({"time_limit": limit} if limit else {})}
            res = milp(objective, constraints=constraints, bounds=bounds, integrality=integrality, options=options)
            self.solves += 1
            assert res.status in (0, 1), f"the attacker's model is infeasible or unbounded: {res.message}"
            if res.x is None:
                return
            x = np.round(res.x)
            for sig, v in vectors.items():
                value = round(float(v @ x))
                seen[sig][0], seen[sig][1] = min(seen[sig][0], value), max(seen[sig][1], value)

        # Any whole-number solution shows values a count can take. Pushing every open count up (then down)
        # at once settles most of them in a few solves.
        self.solves = 0
        for sign in (-1.0, 1.0, -1.0, 1.0):
            open_ = [k for k in sorted(vectors) if not wide(k)]
            if not open_:
                break
            solve(sign * np.sum([vectors[k] for k in open_], axis=0), limit=30)
        # Again over those still open, down and up, while a round settles at least a tenth of them: a joint
        # solve costs little more than one count's solve and settles several.
        open_ = [k for k in sorted(vectors) if not wide(k)]
        while len(open_) > 2:
            for sign in (-1.0, 1.0):
                solve(sign * np.sum([vectors[k] for k in open_], axis=0), limit=30)
            left = [k for k in open_ if not wide(k)]
            if len(left) > 0.9 * len(open_):
                break
            open_ = left
        leaks = []
        for sig in sorted(vectors):  # the rest one by one, to the optimum
            for sign in (1.0, -1.0):
                if not wide(sig):
                    solve(sign * vectors[sig])
            low, high = seen[sig]
            for place in groups[sig]:
                self.ranges[place] = (truth[sig], low, high)
            if not wide(sig):
                leaks += [Leak(la, period, key, truth[sig], low, high) for la, period, key in groups[sig]]
                if first:
                    break
        return leaks

    def widths(self) -> dict[str, int]:
        """How the proved ranges of the hidden counts from 1 to threshold-1 spread: values they can take."""
        out: dict[str, int] = {}
        for true, low, high in self.ranges.values():
            if 0 < true < self.threshold:
                span = high - low + 1
                bucket = str(span) if span < 4 else "4 or more"
                out[bucket] = out.get(bucket, 0) + 1
        return dict(sorted(out.items()))
