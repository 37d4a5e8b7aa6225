"""The ethnicity labels HR systems and surveys write, from the published classifications, as label -> code.

Why a table and not a handful of spellings: a council copies its extract
straight out of its HR system (ESR-style systems print the NHS Data Dictionary
"ethnic category" labels, "Asian or Asian British - Indian"), its survey tool
(the ONS 2011 or 2021 Census wording, "Asian/Asian British: Indian",
"Asian, Asian British or Asian Welsh: Indian") or its own form ("Prefer not to
say"). Every one of those was refused before, one error per distinct value.

The table is written from the classifications as published:

- NHS Data Dictionary, data element ETHNIC CATEGORY (2001 Census based, 16+1
  codes): a group ("White", "Mixed", "Asian or Asian British", "Black or Black
  British", "Other Ethnic Groups") then " - " and the category; the UK Core
  code system spells A and B "White English, Welsh, Scottish, Northern Irish or
  British" and "White Irish". The letters themselves are ``NHS_LETTERS``.
- ONS 2011 Census (England): "White: English/Welsh/Scottish/Northern
  Irish/British", "Mixed/multiple ethnic groups: ...", "Asian/Asian British:
  ...", "Black/African/Caribbean/Black British: ...", "Other ethnic group: ...".
- ONS 2021 Census (England and Wales): "Asian, Asian British or Asian Welsh:
  ...", "Black, Black British, Black Welsh, Caribbean or African: ...", "Mixed or
  Multiple ethnic groups: ...", with the output names ("Other Asian") and the
  questionnaire's ("Any other Asian background").

Each group's names are combined with each of its categories' names (matching
ignores case, spacing and punctuation, so "White - British", "White: British"
and "White British" are one label). A category name alone is taken only when it
names exactly one code ("Indian", "Roma"; never "British" or "Other").
NHS Chinese sits under "Other Ethnic Groups" and ONS 2021 Chinese under Asian:
both are ``asian_chinese``, as the return's code table says.
"""

from __future__ import annotations

# Each broad group's names, as the classifications head their categories.
GROUP_NAMES: dict[str, tuple[str, ...]] = {
    "white": ("White",),
    "mixed": ("Mixed", "Mixed or Multiple ethnic groups", "Mixed/multiple ethnic groups", "Mixed/multiple ethnic group",
              "Mixed or multiple ethnic group", "Mixed ethnic groups"),
    "asian": ("Asian", "Asian or Asian British", "Asian/Asian British", "Asian, Asian British or Asian Welsh",
              "Asian/Asian Welsh/Asian British", "Asian British"),
    "black": ("Black", "Black or Black British", "Black/African/Caribbean/Black British",
              "Black, Black British, Black Welsh, Caribbean or African",
              "Black/Black Welsh/Black British/Caribbean/African", "Black British"),
    "other": ("Other", "Other ethnic group", "Other ethnic groups"),
}

# code -> (the groups it is written under, its category names, the names safe alone).
# "alone" lists the names that name this one code without their group ("Indian"); "British" or "Other" do not.
CATEGORY_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "white_british": (("white",), ("British", "English, Welsh, Scottish, Northern Irish or British",
                                   "English/Welsh/Scottish/Northern Irish/British", "English", "Scottish", "Welsh",
                                   "Northern Irish"),
                      ("English, Welsh, Scottish, Northern Irish or British",
                       "English/Welsh/Scottish/Northern Irish/British")),
    "white_irish": (("white",), ("Irish",), ("Irish",)),
    "white_gypsy_traveller": (("white",), ("Gypsy or Irish Traveller", "Gypsy/Irish Traveller", "Gypsy/Traveller",
                                           "Gypsy, Traveller or Irish Traveller", "Irish Traveller"),
                              ("Gypsy or Irish Traveller", "Gypsy/Irish Traveller", "Gypsy/Traveller",
                               "Gypsy, Traveller or Irish Traveller", "Irish Traveller")),
    "white_roma": (("white",), ("Roma",), ("Roma",)),
    "white_other": (("white",), ("Any other White background", "Other White", "Other", "Any other"),
                    ("Any other White background", "Other White")),
    "mixed_white_black_caribbean": (("mixed",), ("White and Black Caribbean", "Black Caribbean and White"),
                                    ("White and Black Caribbean", "Black Caribbean and White")),
    "mixed_white_black_african": (("mixed",), ("White and Black African", "Black African and White"),
                                  ("White and Black African", "Black African and White")),
    "mixed_white_asian": (("mixed",), ("White and Asian", "Asian and White"), ("White and Asian", "Asian and White")),
    "mixed_other": (("mixed",), ("Any other Mixed background", "Any other mixed/multiple ethnic background",
                                 "Any other Mixed or multiple ethnic background",
                                 "Any other Mixed or Multiple background", "Other Mixed",
                                 "Other Mixed or Multiple ethnic groups", "Other", "Any other"),
                    ("Any other Mixed background", "Any other mixed/multiple ethnic background",
                     "Any other Mixed or multiple ethnic background", "Any other Mixed or Multiple background",
                     "Other Mixed", "Other Mixed or Multiple ethnic groups")),
    "asian_indian": (("asian",), ("Indian",), ("Indian",)),
    "asian_pakistani": (("asian",), ("Pakistani",), ("Pakistani",)),
    "asian_bangladeshi": (("asian",), ("Bangladeshi",), ("Bangladeshi",)),
    "asian_chinese": (("asian", "other"), ("Chinese",), ("Chinese",)),
    "asian_other": (("asian",), ("Any other Asian background", "Other Asian", "Other", "Any other"),
                    ("Any other Asian background", "Other Asian")),
    "black_african": (("black",), ("African",), ("African",)),
    "black_caribbean": (("black",), ("Caribbean",), ("Caribbean",)),
    "black_other": (("black",), ("Any other Black background", "Any other Black/African/Caribbean background",
                                 "Any other Black, Black British or Caribbean background",
                                 "Any other Black, Black British, Black Welsh, Caribbean or African background",
                                 "Other Black", "Other", "Any other"),
                    ("Any other Black background", "Any other Black/African/Caribbean background",
                     "Any other Black, Black British or Caribbean background",
                     "Any other Black, Black British, Black Welsh, Caribbean or African background", "Other Black")),
    "other_arab": (("other",), ("Arab",), ("Arab",)),
    "other_any": (("other",), ("Any other ethnic group", "Any other", "Any other ethnic background"),
                  ("Any other ethnic group", "Any other ethnic background")),
}

# NHS Data Dictionary ETHNIC CATEGORY labels as HR systems print them (letter -> label), and the UK Core spellings.
NHS_LABELS: dict[str, tuple[str, ...]] = {
    "A": ("White - British", "White English, Welsh, Scottish, Northern Irish or British"),
    "B": ("White - Irish", "White Irish"),
    "C": ("White - Any other White background",),
    "D": ("Mixed - White and Black Caribbean",),
    "E": ("Mixed - White and Black African",),
    "F": ("Mixed - White and Asian",),
    "G": ("Mixed - Any other mixed background",),
    "H": ("Asian or Asian British - Indian",),
    "J": ("Asian or Asian British - Pakistani",),
    "K": ("Asian or Asian British - Bangladeshi",),
    "L": ("Asian or Asian British - Any other Asian background",),
    "M": ("Black or Black British - Caribbean",),
    "N": ("Black or Black British - African",),
    "P": ("Black or Black British - Any other Black background",),
    "R": ("Other Ethnic Groups - Chinese",),
    "S": ("Other Ethnic Groups - Any other ethnic group",),
    "Z": ("Not stated",),
}

# The ways HR systems and survey tools say that nobody told them (all -> not_stated).
NOT_STATED_WORDS: tuple[str, ...] = (
    "Not stated", "Prefer not to say", "I prefer not to say", "Prefer not to state", "Prefer not to disclose",
    "Rather not say", "Not known", "Unknown", "Not declared", "Undeclared", "Declined", "Declined to state",
    "Declined to disclose", "Refused", "Information refused", "Not disclosed", "Not recorded", "Not given",
    "Not provided", "Not specified", "Withheld", "Do not wish to disclose", "I do not wish to disclose",
    "I do not wish to disclose my ethnic origin", "I do not wish to disclose my ethnicity",
    "Do not wish to declare", "I do not wish to declare", "Not stated/not known", "Not known/not stated",
    "Unspecified", "Ethnic category not stated", "Not stated (Z)",
)
