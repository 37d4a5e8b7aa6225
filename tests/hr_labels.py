"""Ethnicity labels as real HR systems and surveys export them, written from the published classifications.

Kept apart from ``lib/`` on purpose: these are the classifications as their
publishers write them (NHS Data Dictionary data element ETHNIC CATEGORY, as ESR
and other NHS-style HR systems print it; the ONS 2011 Census ethnic group
classification for England; the ONS 2021 Census classification in full), each
with the return's code it must be read as. A test that only used the project's
own spellings could not catch a label the project forgot.
"""

from __future__ import annotations

# NHS Data Dictionary ETHNIC CATEGORY: national code, label as HR systems print it, the return's code.
NHS_DATA_DICTIONARY: list[tuple[str, str, str]] = [
    ("A", "White - British", "white_british"),
    ("B", "White - Irish", "white_irish"),
    ("C", "White - Any other White background", "white_other"),
    ("D", "Mixed - White and Black Caribbean", "mixed_white_black_caribbean"),
    ("E", "Mixed - White and Black African", "mixed_white_black_african"),
    ("F", "Mixed - White and Asian", "mixed_white_asian"),
    ("G", "Mixed - Any other mixed background", "mixed_other"),
    ("H", "Asian or Asian British - Indian", "asian_indian"),
    ("J", "Asian or Asian British - Pakistani", "asian_pakistani"),
    ("K", "Asian or Asian British - Bangladeshi", "asian_bangladeshi"),
    ("L", "Asian or Asian British - Any other Asian background", "asian_other"),
    ("M", "Black or Black British - Caribbean", "black_caribbean"),
    ("N", "Black or Black British - African", "black_african"),
    ("P", "Black or Black British - Any other Black background", "black_other"),
    ("R", "Other Ethnic Groups - Chinese", "asian_chinese"),
    ("S", "Other Ethnic Groups - Any other ethnic group", "other_any"),
    ("Z", "Not stated", "not_stated"),
]

# ONS 2011 Census ethnic group (England), as survey tools and older HR systems list it.
ONS_2011: list[tuple[str, str]] = [
    ("White: English/Welsh/Scottish/Northern Irish/British", "white_british"),
    ("White: Irish", "white_irish"),
    ("White: Gypsy or Irish Traveller", "white_gypsy_traveller"),
    ("White: Any other White background", "white_other"),
    ("Mixed/multiple ethnic groups: White and Black Caribbean", "mixed_white_black_caribbean"),
    ("Mixed/multiple ethnic groups: White and Black African", "mixed_white_black_african"),
    ("Mixed/multiple ethnic groups: White and Asian", "mixed_white_asian"),
    ("Mixed/multiple ethnic groups: Any other Mixed/multiple ethnic background", "mixed_other"),
    ("Asian/Asian British: Indian", "asian_indian"),
    ("Asian/Asian British: Pakistani", "asian_pakistani"),
    ("Asian/Asian British: Bangladeshi", "asian_bangladeshi"),
    ("Asian/Asian British: Chinese", "asian_chinese"),
    ("Asian/Asian British: Any other Asian background", "asian_other"),
    ("Black/African/Caribbean/Black British: African", "black_african"),
    ("Black/African/Caribbean/Black British: Caribbean", "black_caribbean"),
    ("Black/African/Caribbean/Black British: Any other Black/African/Caribbean background", "black_other"),
    ("Other ethnic group: Arab", "other_arab"),
    ("Other ethnic group: Any other ethnic group", "other_any"),
]

# ONS 2021 Census ethnic group (England and Wales), the names in full as the census outputs write them.
ONS_2021: list[tuple[str, str]] = [
    ("White: English, Welsh, Scottish, Northern Irish or British", "white_british"),
    ("White: Irish", "white_irish"),
    ("White: Gypsy or Irish Traveller", "white_gypsy_traveller"),
    ("White: Roma", "white_roma"),
    ("White: Other White", "white_other"),
    ("Mixed or Multiple ethnic groups: White and Black Caribbean", "mixed_white_black_caribbean"),
    ("Mixed or Multiple ethnic groups: White and Black African", "mixed_white_black_african"),
    ("Mixed or Multiple ethnic groups: White and Asian", "mixed_white_asian"),
    ("Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups", "mixed_other"),
    ("Asian, Asian British or Asian Welsh: Indian", "asian_indian"),
    ("Asian, Asian British or Asian Welsh: Pakistani", "asian_pakistani"),
    ("Asian, Asian British or Asian Welsh: Bangladeshi", "asian_bangladeshi"),
    ("Asian, Asian British or Asian Welsh: Chinese", "asian_chinese"),
    ("Asian, Asian British or Asian Welsh: Other Asian", "asian_other"),
    ("Black, Black British, Black Welsh, Caribbean or African: African", "black_african"),
    ("Black, Black British, Black Welsh, Caribbean or African: Caribbean", "black_caribbean"),
    ("Black, Black British, Black Welsh, Caribbean or African: Other Black", "black_other"),
    ("Other ethnic group: Arab", "other_arab"),
    ("Other ethnic group: Any other ethnic group", "other_any"),
]

# A category word on its own, where it names exactly one code (survey tools often drop the group).
CATEGORY_WORDS: list[tuple[str, str]] = [
    ("Roma", "white_roma"), ("Gypsy or Irish Traveller", "white_gypsy_traveller"),
    ("Any other White background", "white_other"), ("Indian", "asian_indian"), ("Chinese", "asian_chinese"),
    ("Pakistani", "asian_pakistani"), ("Bangladeshi", "asian_bangladeshi"), ("Arab", "other_arab"),
    ("White and Black Caribbean", "mixed_white_black_caribbean"), ("Any other ethnic group", "other_any"),
]

# How HR systems and surveys say nobody told them.
NOT_STATED: list[str] = ["Prefer not to say", "Not stated", "Unknown", "Declined", "Not known", "Refused",
                         "Not declared", "I do not wish to disclose my ethnic origin", "Z - Not stated"]

# Every label above with the code it must be read as (the NHS labels with and without their letter).
ALL: list[tuple[str, str]] = (
    [(label, code) for _, label, code in NHS_DATA_DICTIONARY]
    + [(f"{letter} - {label}", code) for letter, label, code in NHS_DATA_DICTIONARY]
    + [(f"{letter} {label}", code) for letter, label, code in NHS_DATA_DICTIONARY]
    + ONS_2011 + ONS_2021 + CATEGORY_WORDS + [(w, "not_stated") for w in NOT_STATED]
)


def labels_for(code: str) -> list[str]:
    """Every real-world label of ``code`` above (blank included for not_stated), in a fixed order."""
    out = [label for label, c in ALL if c == code]
    return out + ([""] if code == "not_stated" else [])
