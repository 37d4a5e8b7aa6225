"""What an analyst is told about an empty ethnicity cell or a blank label in params' ethnicity_labels."""

from __future__ import annotations

from scwres.intake.ethnicity_labels import check_council_labels, unknown_sentence
from scwres.intake.params import check_params
from small_return import params


def test_an_empty_ethnicity_cell_is_called_empty_not_an_unknown_label():
    for blank in ("", "   "):
        sentence = unknown_sentence(blank, 3, 7, None)
        assert sentence.startswith("ethnicity is empty in 3 rows (first line 7) Use a code")
        assert "not a recognised" not in sentence and "did you mean" not in sentence
    assert unknown_sentence("", 1, 4, None, where="workforce.csv").startswith(
        "ethnicity is empty in 1 row (first workforce.csv line 4)")


def test_an_unknown_label_is_quoted_with_its_rows_and_a_suggestion():
    sentence = unknown_sentence("Whyte British", 2, 9, "white_british")
    # docs/data-return.md: the codes, ONS 2011/2021 Census names and NHS Data Dictionary labels are all accepted
    assert sentence.startswith("'Whyte British' is not a recognised ethnicity code or label (2 rows, first line 9); "
                               "did you mean white_british? Use a code, an NHS Data Dictionary or ONS Census "
                               "category label (docs/data-return.md lists those recognised)")
    broad = unknown_sentence("Whyte", 1, 3, "white", broad=True)
    assert "(1 row, first line 3); did you mean white?" in broad
    assert "broad groups white, mixed, asian, black, other" in broad
    assert "ONS" not in broad and "NHS" not in broad


def test_blank_labels_in_params_are_refused_with_a_reason():
    for blank in ("", "  ", "--", 7):
        assert check_council_labels({blank: "white_british"}) == [
            (str(blank), "each label in ethnicity_labels must be text with at least one letter or digit.")]
    assert check_council_labels({"White - British": "white_british", "W2": "not_stated"}) == []


def test_a_label_mapped_to_no_code_names_the_nearest_code():
    [(value, sentence)] = check_council_labels({"White - British": "white_britsh"})
    assert value == "white_britsh"
    assert sentence == ("ethnicity_labels maps 'White - British' to 'white_britsh', which is not an ethnicity code "
                        "(did you mean white_british?); map it to a code such as white_british or not_stated.")
    [(value, sentence)] = check_council_labels(["White - British"])
    assert sentence.startswith("ethnicity_labels must map the council's labels to ethnicity codes")


def test_params_check_reports_a_blank_label_against_its_file_and_key():
    problems = check_params(params(ethnicity_labels={" ": "white_british"}), "tiny.yml")
    found = [p for p in problems if p.column == "ethnicity_labels"]
    assert len(found) == 1 and found[0].file == "tiny.yml" and found[0].severity == "error"
    assert "at least one letter or digit" in found[0].message
