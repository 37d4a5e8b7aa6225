"""suppression.py on the tiny return and on catalogues of a few counts, worked out by hand.

What each count adds up (its atoms: source, service, group, and for the workforce pay band, senior and
regulated) is spelt out here from docs/methods.md; the plan's answers are argued in each test.
"""

from __future__ import annotations

import json

import pytest

from scwres.disclosure import suppression as sup
from scwres.disclosure.suppression import COUNT_COLUMNS, Plan, Structure, row_key
from scwres.metrics.calculate import metric_rows
from small_return import params, tables

WF = "workforce.headcount"
ME = ("asian", "black", "mixed", "other")


def cells(service: str, groups: tuple[str, ...], bands=("low", "high"), senior=("yes", "no"),
          regulated=("yes", "no")) -> frozenset:
    """Workforce atoms by hand: every combination of the filters' values."""
    services = ("adults", "children") if service == "all" else (service,)
    return frozenset((WF, s, g, b, se, r) for s in services for g in groups for b in bands for se in senior
                     for r in regulated)


def test_structure_from_params_follows_the_flag_the_bands_and_the_leaver_base():
    plain = sup.structure_from_params(params())
    assert (plain.bands, plain.subgroups, plain.plus_leavers) == (("low", "high"), ME, False)
    assert plain.groups == ("white", *ME, "unknown")
    wm = sup.structure_from_params(params(white_minorities_as_minority_ethnic=True, pay_bands=[1, 2, 3],
                                          leaver_base="snapshot_plus_leavers"))
    assert (wm.bands, wm.subgroups, wm.plus_leavers) == (("1", "2", "3"), (*ME, "white_minorities"), True)


def test_workforce_atoms_carry_band_senior_and_regulated():
    st = sup.structure_from_params(params())
    assert st.atoms(WF, "adults", ("white",)) == cells("adults", ("white",))
    assert st.atoms(WF, "all", ME, band="low") == cells("all", ME, bands=("low",))
    assert st.atoms(WF, "children", ("white",), senior="yes", regulated="no") == cells(
        "children", ("white",), senior=("yes",), regulated=("no",))
    assert st.atoms("events.ftp", "all", ("black",)) == {("events.ftp", "adults", "black"),
                                                         ("events.ftp", "children", "black")}
    assert st.atoms(WF, "adults", ["white"]) is st.atoms(WF, "adults", ("white",))  # made once


def test_row_atoms_of_each_kind_of_row():
    st = sup.structure_from_params(params())
    m1 = st.row_atoms("m1", "adults", "high")
    assert m1 == {"events_me": cells("adults", ME, bands=("high",)), "base_me": cells("adults", ME),
                  "events_white": cells("adults", ("white",), bands=("high",)),
                  "base_white": cells("adults", ("white",))}
    assert st.row_atoms("m1", "adults", "overall")["events_me"] == cells("adults", ME)
    senior = st.row_atoms("m9", "all", "senior_share")
    assert senior["events_white"] == cells("all", ("white",), senior=("yes",))
    assert senior["base_me"] == cells("all", ME)
    assert st.row_atoms("m9", "all", "workforce_share")["events_me"] == cells("all", ME)
    assert st.row_atoms("m9", "all", "population_share") is None
    m4 = st.row_atoms("m4", "adults", "subgroup:black")
    assert m4 == {"events_me": {("events.ftp", "adults", "black")},
                  "base_me": cells("adults", ("black",), regulated=("yes",)),
                  "events_white": {("events.ftp", "adults", "white")},
                  "base_white": cells("adults", ("white",), regulated=("yes",))}
    m2 = st.row_atoms("m2", "children", "overall")
    assert m2["base_me"] == {("recruitment.shortlisted", "children", g) for g in ME}


def test_the_leaver_base_adds_the_leavers_atoms_only_when_asked():
    st = sup.structure_from_params(params())
    plus = sup.structure_from_params(params(leaver_base="snapshot_plus_leavers"))
    leavers = {("events.leavers", "adults", "white")}
    assert st.row_atoms("m8", "adults", "overall")["base_white"] == cells("adults", ("white",))
    assert plus.row_atoms("m8", "adults", "overall")["base_white"] == cells("adults", ("white",)) | leavers
    assert plus.row_atoms("m3", "adults", "overall")["base_white"] == cells("adults", ("white",))


def test_extra_counts_are_unknowns_and_totals_per_source_and_service():
    """The tiny return: 5 adults of unknown ethnicity of 145; 7 unknown of 117 shortlisted; children none."""
    extras = sup.extra_counts(tables(), params())
    assert extras["unknown|workforce.headcount|adults"] == 5 and extras["total|workforce.headcount|adults"] == 145
    assert extras["unknown|workforce.headcount|children"] == 0 and extras["total|workforce.headcount|all"] == 215
    assert extras["unknown|recruitment.shortlisted|all"] == 7 and extras["total|recruitment.shortlisted|all"] == 167
    assert extras["total|survey.respondents|children"] == 35 and extras["unknown|survey.respondents|all"] == 0
    assert len(extras) == 3 * 3 * 2
    wm = sup.extra_counts(tables(), params(white_minorities_as_minority_ethnic=True))
    assert wm["unknown|workforce.headcount|adults"] == 5  # white Irish are never unknown


def test_catalogue_holds_every_count_with_its_atoms_and_value():
    frame = pd_frame()
    st = sup.structure_from_params(params())
    entries = sup.catalogue(frame, st, {"unknown|workforce.headcount|adults": 5, "total|survey.respondents|all": 115})
    atoms, value = entries[row_key("m4", "adults", "overall", "base_white")]
    assert value == 40 and atoms == cells("adults", ("white",), regulated=("yes",))
    assert entries["unknown|workforce.headcount|adults"] == (cells("adults", ("unknown",)), 5)
    assert entries["total|survey.respondents|all"] == (
        frozenset(("survey.respondents", s, g) for s in ("adults", "children") for g in st.groups), 115)
    assert not [k for k in entries if "population_share" in k]
    rows = frame[frame.breakdown != "population_share"]
    assert len(entries) == 4 * len(rows) + 2


def pd_frame():
    import pandas as pd

    return pd.DataFrame(metric_rows(tables(), params()))


def test_rollup_keys_are_every_rl_rows_counts_and_the_two_headcounts():
    keys = sup.rollup_keys()
    assert len(keys) == 9 * 3 * 4 + 3 * 2 == len(set(keys))
    assert row_key("m7_managers", "children", "overall", "base_white") in keys
    assert row_key("m1", "all", "overall", "events_me") in keys
    assert row_key("m1", "all", "overall", "base_me") not in keys


A, C = frozenset({("x", "adults", "me")}), frozenset({("x", "children", "me")})


def test_plan_holds_values_hidden_and_primary_keys():
    entries = {"adults": (A, 3), "children": (C, 50), "all": (A | C, 53), "again": (A, 3)}
    p = sup.plan(entries, threshold=10)
    assert p.values == {"adults": 3, "children": 50, "all": 53, "again": 3}
    assert p.primary_keys == {"adults", "again"}
    assert p.hidden_keys == {"adults", "again", "children"}  # the smaller partner, the same number everywhere


def test_plan_takes_the_heaviest_weight_of_a_number_shown_in_several_places():
    """adults 3 is protected by hiding children (a service row, weight 4) or all staff. All staff's 53 is
    shown twice: as an all-staff row (weight 8) and under a hand-made key (weight 1). Hiding it hides
    both places, so it costs 8 and children goes; were all staff a sub-group figure alone (weight 1),
    all staff would go."""
    kc = row_key("m3", "children", "overall", "events_me")
    heavy = row_key("m3", "all", "overall", "events_me")
    entries = {"adults": (A, 3), kc: (C, 50), heavy: (A | C, 53), "zz copy": (A | C, 53)}  # the light one last
    assert sup.plan(entries, threshold=10).hidden_keys == {"adults", kc}
    light = row_key("m3", "all", "subgroup:black", "events_me")
    assert sup.plan({"adults": (A, 3), kc: (C, 50), light: (A | C, 53)}, threshold=10).hidden_keys == {
        "adults", light}


def test_plan_forced_keys_are_hidden_and_protected_and_unknown_ones_ignored():
    entries = {"adults": (A, 30), "children": (C, 50), "all": (A | C, 80)}
    assert sup.plan(entries, threshold=10).hidden_keys == set()
    forced = sup.plan(entries, threshold=10, forced=["adults", "nowhere"])
    assert forced.hidden_keys == {"adults", "children"} and forced.primary_keys == set()


def test_plan_roll_up_coordinates_and_ranges_of_the_counts_a_roll_up_adds():
    """m3 adults' events_me 3 (small) and children's 50 hidden, all staff's 53 shown: the roll-up counts
    sit on one axis, opposite; the audit gives each hidden count a range (0 ... no more than 53)."""
    ka, kc, kall = (row_key("m3", s, "overall", "events_me") for s in ("adults", "children", "all"))
    p = sup.plan({ka: (A, 3), kc: (C, 50), kall: (A | C, 53)}, threshold=10)
    assert p.hidden_keys == {ka, kc} and p.rollup_dim == 1
    assert p.rollup_coords[ka] == pytest.approx([-x for x in p.rollup_coords[kc]])
    assert set(p.ranges) == {ka, kc}
    assert p.ranges[ka][0] == 1 and p.ranges[kc][0] == 1  # roll-up counts: lowest values found exactly
    assert p.ranges[ka][1] >= 4
    unaudited = sup.plan({ka: (A, 3), kc: (C, 50), kall: (A | C, 53)}, threshold=10, audited=False)
    assert unaudited.ranges == {} and unaudited.hidden_keys == {ka, kc}


def test_report_plan_and_row_flags_on_the_tiny_return(monkeypatch):
    """The tiny return has small counts (m4 adults: 1 of 10 against 1 of 40): their rows are flagged,
    population shares never are. (The audit is switched off after the first plan: it takes a second
    each time and is tested on its own.)"""
    frame = pd_frame()
    p = sup.report_plan(frame, params(), tables())
    assert "unknown|workforce.headcount|adults" in p.values and p.values["total|workforce.headcount|all"] == 215
    assert p.ranges  # audited
    flags = sup.row_flags(frame, p)
    m4 = (frame.metric == "m4") & (frame.service == "adults") & (frame.breakdown == "overall")
    assert flags[m4].all() and not flags.all()
    assert not flags[frame.breakdown == "population_share"].any()
    monkeypatch.setattr(sup.audit, "protect", lambda quantities, value_of, hidden, *a, **k: (hidden, {}))
    unaudited = sup.report_plan(frame, params(), tables())
    assert (sup.flag_suppressed(frame, params(), tables()) == sup.row_flags(frame, unaudited)).all()
    assert "unknown|workforce.headcount|adults" not in sup.report_plan(frame, params(), None).values
    strict = sup.report_plan(frame, params(suppression_threshold=20), tables())
    assert strict.primary_keys > unaudited.primary_keys
    assert {k for k, v in strict.values.items() if 0 < v < 20} == strict.primary_keys
    asked = row_key("m5", "all", "overall", "events_white")
    assert asked in sup.report_plan(frame, params(), tables(), forced=[asked]).hidden_keys
    assert asked not in unaudited.hidden_keys


def test_plan_file_round_trip_and_unreadable_files(tmp_path):
    p = Plan({"a": 3, "b": 50}, {"a", "b"}, {"a"}, 1, {"a": [0.5], "b": [-0.5]}, {"a": (0, 9)})
    sup.write_plan(p, tmp_path)
    text = (tmp_path / "disclosure-plan.json").read_text(encoding="utf-8")
    assert json.loads(text)["hidden"] == ["a", "b"] and text.endswith("\n")
    back = sup.read_plan(tmp_path)
    assert back == p
    assert sup.read_plan(tmp_path / "nowhere") is None
    (tmp_path / "disclosure-plan.json").write_text("{not json", encoding="utf-8")
    assert sup.read_plan(tmp_path) is None
    (tmp_path / "disclosure-plan.json").write_text('{"values": {}}', encoding="utf-8")
    assert sup.read_plan(tmp_path) is None


def test_a_plan_row_is_hidden_when_any_of_its_counts_is():
    keys = [row_key("m3", "all", "overall", c) for c in COUNT_COLUMNS]
    p = Plan({k: 50 for k in keys}, {keys[3]})
    assert p.row_hidden("m3", "all", "overall") and not p.row_hidden("m3", "adults", "overall")
    assert Structure(("x",), ()).groups == ("white", "unknown")


def test_senior_share_atoms_in_full():
    st = sup.structure_from_params(params())
    senior = st.row_atoms("m9", "adults", "senior_share")
    assert senior == {"events_me": cells("adults", ME, senior=("yes",)), "base_me": cells("adults", ME),
                      "events_white": cells("adults", ("white",), senior=("yes",)),
                      "base_white": cells("adults", ("white",))}
    assert st.row_atoms("m9", "adults", "workforce_share") == {
        "events_me": cells("adults", ME), "base_me": cells("adults", ME),
        "events_white": cells("adults", ("white",)), "base_white": cells("adults", ("white",))}


def test_the_roll_up_keys_include_both_headcounts_of_the_workforce_share():
    keys = sup.rollup_keys()
    assert {row_key("m1", s, "overall", c) for s in ("adults", "children", "all")
            for c in ("events_me", "events_white")} <= set(keys)


def test_plan_passes_the_leaver_base_the_roll_up_keys_and_the_requests_to_the_audit(monkeypatch):
    """What ``plan`` hands the audit decides what it checks: the leavers limit (dropped when the leavers
    join the base), the roll-up counts whose lowest values the roll-up audit needs, the requested keys."""
    seen = {}

    def protect(quantities, value_of, hidden, threshold, plus_leavers, cost, label, lowest=None, forced=None):
        seen.update(plus_leavers=plus_leavers, lowest=lowest, forced=forced)
        return hidden, {}

    monkeypatch.setattr(sup.audit, "protect", protect)
    ka = row_key("m3", "adults", "overall", "events_me")
    entries = {ka: (A, 3), "children": (C, 50), "all": (A | C, 53)}
    sup.plan(entries, threshold=10, plus_leavers=True, forced=["children"])
    assert seen == {"plus_leavers": True, "lowest": {A}, "forced": {C}}
    sup.report_plan(pd_frame(), params(leaver_base="snapshot_plus_leavers"), tables())
    assert seen["plus_leavers"] is True
    sup.report_plan(pd_frame(), params(), tables())
    assert seen["plus_leavers"] is False


def test_each_block_gets_its_own_roll_up_coordinates():
    """Two independent pairs (m3 and m5 adults/children with all staff shown), each with a small count:
    two blocks, one dimension each, so two axes; each pair's counts sit opposite on its own axis at
    1/sqrt(2), zero on the other's."""
    B, D = frozenset({("y", "adults", "me")}), frozenset({("y", "children", "me")})
    k = {f"{m}{s}": row_key(m, s, "overall", "events_me") for m in ("m3", "m5") for s in ("adults", "children")}
    every = {m: row_key(m, "all", "overall", "events_me") for m in ("m3", "m5")}  # all-staff keys: dearer
    entries = {k["m3adults"]: (A, 3), k["m3children"]: (C, 50), every["m3"]: (A | C, 53),
               k["m5adults"]: (B, 4), k["m5children"]: (D, 60), every["m5"]: (B | D, 64)}
    p = sup.plan(entries, threshold=10)
    assert p.rollup_dim == 2
    coords = {name: p.rollup_coords[key] for name, key in k.items()}
    assert all(len(c) == 2 for c in coords.values())
    for first, second in (("m3adults", "m3children"), ("m5adults", "m5children")):
        assert coords[first] == pytest.approx([-x for x in coords[second]])
        assert sorted(abs(x) for x in coords[first]) == pytest.approx([0.0, 2 ** -0.5])
    assert abs(sum(a * b for a, b in zip(coords["m3adults"], coords["m5adults"], strict=True))) < 1e-12


def test_a_plan_file_without_the_newer_fields_reads_with_empty_ones():
    old = Plan.from_json({"values": {"a": "3"}, "hidden": ["a"], "primary": ["a"]})
    assert old == Plan({"a": 3}, {"a"}, {"a"}, 0, {}, {})


def test_plan_file_keys_are_sorted(tmp_path):
    sup.write_plan(Plan({"b": 1, "a": 2}, {"b"}, {"b"}, 0, {}, {}), tmp_path)
    data = json.loads((tmp_path / "disclosure-plan.json").read_text(encoding="utf-8"))
    assert list(data) == sorted(data) and list(data["values"]) == ["a", "b"]


def test_row_flags_keep_the_frames_index_and_are_booleans_even_when_empty():
    frame = pd_frame()
    p = sup.plan({}, threshold=10, audited=False)
    shifted = frame.set_axis(range(100, 100 + len(frame)))
    flags = sup.row_flags(shifted, p)
    assert list(flags.index) == list(shifted.index) and flags.dtype == bool
    assert sup.row_flags(frame.iloc[0:0], p).dtype == bool


def test_a_plan_carried_in_a_frames_attrs_is_the_same_plan_after_copying():
    import copy

    p = Plan({"a": 1})
    ref = sup.PlanRef(p)
    assert ref.plan is p and copy.deepcopy(ref) is ref
