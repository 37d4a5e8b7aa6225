"""The built-in ethnicity label sets, built again inside each test, and the advice given for a label they miss.

ethnicity_labels.py builds ONS_NAMES and PUBLISHED_NAMES once, at import; the fixture below builds them again
so a test sees what ``_ons_names`` and ``_published_names`` make now. Expected codes come from
``hr_labels.py`` (the published NHS Data Dictionary and ONS classifications, written apart from ``lib/``) and
from the ONS 2021 names of the five high-level groups.
"""

from __future__ import annotations

import pandas as pd
import pytest

import hr_labels
from scwres.intake import ethnicity_labels as el
from scwres.schema import DETAILED_CODES, ETHNICITY_CODES

# ONS 2021 Census: the five high-level groups as the census outputs name them, and the return's broad codes
ONS_2021_GROUPS = [("White", "white"), ("Mixed or Multiple ethnic groups", "mixed"),
                   ("Asian, Asian British or Asian Welsh", "asian"),
                   ("Black, Black British, Black Welsh, Caribbean or African", "black"),
                   ("Other ethnic group", "other")]
# ... and the older wording the return's template itself uses for them (docs/data-return.md)
TEMPLATE_GROUPS = [("Mixed or multiple ethnic groups", "mixed"), ("Asian or Asian British", "asian"),
                   ("Black, Black British, Caribbean or African", "black")]


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(el, "ONS_NAMES", el._ons_names())
    monkeypatch.setattr(el, "PUBLISHED_NAMES", el._published_names())


def read(labels: list[str]) -> tuple[list, list]:
    codes, sets = el.LabelMap.build().resolve(pd.Series(labels))
    return codes.tolist(), sets.tolist()


def test_every_published_label_is_read_as_its_code(fresh):
    labels, codes = zip(*hr_labels.ALL, *ONS_2021_GROUPS, *TEMPLATE_GROUPS, strict=True)
    assert read(list(labels))[0] == list(codes)
    assert el.builtin_clashes() == []
    for built in (el.ONS_NAMES, el.PUBLISHED_NAMES):
        assert built and set(built.values()) <= set(ETHNICITY_CODES) and all(isinstance(k, str) for k in built)


def test_each_label_is_credited_to_the_set_it_comes_from(fresh):
    """The data-quality page says which label sets a return used: the census names are the ONS set, the NHS
    HR labels the published-names set, single letters the NHS letters, a code written as a label the codes."""
    census = ["Mixed: White and Asian", "Asian, Asian British or Asian Welsh: Indian", "Other ethnic group: Arab",
              "Mixed or Multiple ethnic groups: White and Asian", "White: Gypsy or Irish Traveller",
              "Black, Black British, Black Welsh, Caribbean or African: African"]
    nhs = ["Asian or Asian British - Indian", "Black or Black British - African", "H - Asian or Asian British - Indian",
           "Other Ethnic Groups - Chinese"]
    codes, sets = read([*census, *nhs, "A", "z", "White: Irish", "WHITE-BRITISH"])
    assert codes == ["mixed_white_asian", "asian_indian", "other_arab", "mixed_white_asian", "white_gypsy_traveller",
                     "black_african", "asian_indian", "black_african", "asian_indian", "asian_chinese",
                     "white_british", "not_stated", "white_irish", "white_british"]
    assert sets == [el.ONS] * len(census) + [el.NAMES] * len(nhs) + [el.NHS, el.NHS, el.CODES, el.CODES]


def test_a_clash_between_built_in_sets_is_reported_kept_and_dropped(monkeypatch):
    sets = {"first": {"White British": "white_british", "Irish": "white_irish"},
            "second": {"white-british": "white_irish", "IRISH": "white_irish"}}
    monkeypatch.setattr(el, "builtin_sets", lambda: sets)
    assert el.builtin_clashes() == [("whitebritish", "white_british", "white_irish")]


# --- advice for a label nobody listed ------------------------------------------------------------------------

def test_advice_in_a_detailed_table_is_a_detailed_code():
    for value in ("Blak", "Asain", "Whyte", "Mixd"):
        code = el.nearest_code(value)
        assert code in DETAILED_CODES and code not in el.BROAD_ONLY, value
    assert el.nearest_code("Blak").startswith("black_") and el.nearest_code("Asain").startswith("asian_")


def test_a_loose_match_still_gets_advice():
    # "gypsy" against "gypsyoririshtraveller": difflib ratio 2 x 5 / 26 = 0.38 alone, but as "whitegypsy..."
    # the census label is the only one with "gypsy" in it; the advice is that category
    assert el.nearest_code("Gypsy") == "white_gypsy_traveller"


def test_a_two_character_value_is_not_answered_with_an_nhs_letter():
    # "Hx" shares one letter with the NHS letter H; a single letter is no evidence of what was meant
    assert el.nearest_code("Hx") is None and el.nearest_code("Zq") is None


def test_a_councils_own_two_character_label_is_offered():
    labels = el.LabelMap.build({"W1": "white_british"})
    assert el.nearest_code("W1x", labels) == "white_british"


# --- params' ethnicity_labels --------------------------------------------------------------------------------

def test_every_fault_in_ethnicity_labels_is_reported_not_just_the_first():
    found = el.check_council_labels({"": "white_british", "  ": "white_irish", "Other": "zzzzqqq"})
    assert [value for value, _ in found] == ["", "  ", "zzzzqqq"]
    # no code is anywhere near "zzzzqqq": no "did you mean"
    assert found[2][1] == ("ethnicity_labels maps 'Other' to 'zzzzqqq', which is not an ethnicity code; map it to "
                           "a code such as white_british or not_stated.")


def test_ethnicity_labels_that_is_not_a_mapping_is_refused_with_an_example():
    assert el.check_council_labels(["White - British"]) == [(
        "['White - British']", "ethnicity_labels must map the council's labels to ethnicity codes, such as "
                               "{\"White - British\": white_british}.")]


def test_two_labels_that_read_alike_are_named_with_both_codes():
    assert el.check_council_labels({"White British": "white_british", "white-british": "white_irish"}) == [(
        "white-british", "ethnicity_labels has 'White British' (-> white_british) and 'white-british' "
                         "(-> white_irish), which are the same label once case, spaces and punctuation are ignored; "
                         "keep one of them, mapped to the right code.")]


def test_the_broad_table_sentence_in_full():
    assert el.unknown_sentence("Whyte", 2, 5, "white", broad=True) == (
        "'Whyte' is not a recognised ethnicity code or label (2 rows, first line 5); did you mean white? This table "
        "uses the broad groups white, mixed, asian, black, other (or not_stated); use one of them, or map the "
        "council's own label under ethnicity_labels in params.")


def test_advice_in_a_broad_table_comes_from_the_broad_labels_too():
    # "Any Asian" in a table of the five broad groups means asian; among detailed labels alone the nearest is
    # "White and Asian" (mixed_white_asian), whose broad group, mixed, would be the wrong advice
    assert el.nearest_code("Any Asian", broad=True) == "asian"
    assert el.nearest_code("Any White", broad=True) == "white"
