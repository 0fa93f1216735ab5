"""OCR-tolerant extraction: line building on skewed, stacked OCR lines; misspelt labels; repaired values.

Pages are built from OCR-like words: each OCR text line gets one box and its words a share of it in
proportion to their characters (as whole-line OCR gives them), with the page tilted like a faxed sheet.
"""

from __future__ import annotations

from referral_intake.extraction import normalize as nz
from referral_intake.extraction.candidates import REPAIRED_CHECKED, REPAIRED_SHAPE, Source, emit
from referral_intake.extraction.layout import Cell, analyze, build_lines, find_labels, page_skew
from referral_intake.extraction.lexicon import INSURANCE, REFERRAL, REFERRING, match_label, norm_label
from referral_intake.reading.model import Page, Word


def ocr_line(text: str, x0: float, y0: float, height: float, line: int, conf: float = 0.97) -> list[Word]:
    """One OCR text line: a box 5.5 pt per character, split among the words by character share."""
    step = 5.5
    words: list[Word] = []
    pos = 0
    for tok in text.split(" "):
        if tok:
            words.append(
                Word(tok, x0 + pos * step, y0, x0 + (pos + len(tok)) * step, y0 + height, conf, 0, line)
            )
        pos += len(tok) + 1
    return words


def tilted_form(slope: float) -> Page:
    """A boxed form: small labels over their values, three columns, the page turned by `slope` (dy/dx)."""
    rows = [
        (100.0, [("Name", 40.0), ("DOB", 210.0), ("Sex", 380.0)], 9.0),
        (112.0, [("Justin Ramirez", 40.0), ("03/24/1965", 210.0), ("Male", 380.0)], 14.0),
        (140.0, [("Home Phone", 40.0), ("MRN", 210.0), ("Language", 380.0)], 9.0),
        (152.0, [("(480) 555-0176", 40.0), ("MR62789857", 210.0), ("Mandarin", 380.0)], 14.0),
    ]
    words: list[Word] = []
    n = 0
    for y, cells, h in rows:
        for text, x in cells:
            words += ocr_line(text, x, y + slope * (x - 306.0), h, n)
            n += 1
    return Page(1, 612.0, 792.0, words, text_source="ocr")


def line_texts(page: Page) -> list[list[str]]:
    return [[c.text for c in ln.cells] for ln in build_lines(page)]


def test_skew_is_measured_from_neighbouring_ocr_lines() -> None:
    page = tilted_form(-0.025)
    from referral_intake.extraction.layout import _units

    slope = page_skew(_units(page.words, True), page.width)
    assert abs(slope - -0.025) < 0.004
    assert page_skew(_units(tilted_form(0.0).words, True), 612.0) == 0.0


def test_tilted_labels_stay_on_their_own_line_above_their_values() -> None:
    lines = line_texts(tilted_form(-0.025))
    assert lines == [
        ["Name", "DOB", "Sex"],
        ["Justin Ramirez", "03/24/1965", "Male"],
        ["Home Phone", "MRN", "Language"],
        ["(480) 555-0176", "MR62789857", "Mandarin"],
    ]


def test_a_label_printed_over_its_value_is_not_interleaved_with_it() -> None:
    # The OCR boxes of a small label and its value below overlap vertically (padded boxes): one printed line
    # never holds two pieces at the same x, so they stay two lines and the words do not interleave.
    words = ocr_line("Patient Address", 40, 113.8, 11.5, 0) + ocr_line(
        "4216 Jefferson Dr, Mesa, AZ 85269", 39, 117.0, 19.0, 1
    )
    lines = line_texts(Page(1, 612.0, 792.0, words, text_source="ocr"))
    assert lines == [["Patient Address"], ["4216 Jefferson Dr, Mesa, AZ 85269"]]


def test_text_layer_duplicates_share_a_line() -> None:
    # Overprinted (fake bold) text: the same word twice at nearly the same place is still one line.
    words = [Word("Referral", 40, 100, 80, 110), Word("Referral", 40.4, 100.2, 80.4, 110.2)]
    assert len(build_lines(Page(1, 612.0, 792.0, words))) == 1


def _cell(text: str, ocr: bool) -> Cell:
    return Cell(ocr_line(text, 40, 100, 12, 0), 0, ocr=ocr)


def _label_and_value(text: str, ocr: bool) -> tuple[str | None, str]:
    cell = _cell(text, ocr)
    spans = find_labels(cell)
    if not spans:
        return None, ""
    return spans[0].label.key, " ".join(w.text for w in cell.words[spans[0].end : spans[0].value_end])


def test_misread_labels_match_only_in_ocr_words() -> None:
    for text, key, value in [
        ("Locatlon: Cedar Clinic", "organization", "Cedar Clinic"),
        ("Pt Relationship to Subseriber: Self", "relationship", "Self"),
        ("Service Requesled: Cardiology", "procedure", "Cardiology"),
        ("Ottice Address: 12 Oak St", "address", "12 Oak St"),
        ("Smith, Jane DOB; 03/06/1965", "dob", "03/06/1965"),  # a colon read as a semicolon
    ]:
        assert _label_and_value(text, ocr=True) == (key, value), text
        assert _label_and_value(text, ocr=False) != (key, value), text
    # A name one letter away from a label word is not read as that label.
    assert _label_and_value("Carrie Smith", ocr=True) == (None, "")
    assert match_label("Locatlon", ocr=True) is not None and match_label("Locatlon") is None


def test_dotted_abbreviation_without_its_last_dot() -> None:
    assert norm_label("D.O.B") == "dob" == norm_label("D.O.B.")
    assert norm_label("Name (Last, First, M.I.)") == "name last first mi"


def test_value_glued_after_a_dot_leader_colon_is_split() -> None:
    words = ocr_line("SPECIALIST .......:Gerald Johnson, MD", 40, 100, 12, 0)
    layout = analyze(Page(1, 612.0, 792.0, words, text_source="ocr"))
    cell = layout.lines[0].cells[0]
    assert cell.labels[0].label.role == "referred_to"
    assert [w.text for w in cell.words[cell.labels[0].end :]] == ["Gerald", "Johnson,", "MD"]


def test_ocr_digit_and_date_repairs() -> None:
    assert nz.ocr_digits("(2l8) 555-Ol24") == "(218) 555-0124"
    assert nz.ocr_digits("Suite MD") == "Suite MD"
    assert nz.ocr_digits("512.555,0169") == "512.555.0169"
    assert nz.ocr_date_text("26-0ct-2026") == "26-oct-2026"
    assert nz.ocr_date_text("O3/O6/1965") == "03/06/1965"


def test_value_punctuation_left_by_fax_noise() -> None:
    assert nz.clean(".....: Summit Dermatology") == "Summit Dermatology"
    assert nz.drop_final_period("Lakeshore Health Plan.") == "Lakeshore Health Plan"
    assert nz.drop_final_period("Acme Medical Inc.") == "Acme Medical Inc."
    assert nz.drop_final_period("Ann J.") == "Ann J."
    a = nz.parse_address("6650 Orchard Way. Spokane; WA 99281.")
    assert a is not None and (a.line1, a.city, a.postal_code) == ("6650 Orchard Way", "Spokane", "99281")


def _src(text: str, conf: float) -> Source:
    return Source(1, ocr_line(text, 40, 100, 12, 0, conf), "inline", 1.0, "label")


def test_repaired_values_are_marked_and_lose_ocr_confidence() -> None:
    npi = emit(REFERRING, "npi", _src("l69818892l", 0.97))
    assert [c.value for c in npi] == ["1698188921"]  # the Luhn check confirms the repair
    assert npi[0].ocr <= REPAIRED_CHECKED and npi[0].extra.get("ocr_repaired") is True
    assert emit(REFERRING, "npi", _src("l69818892O", 0.97)) == []  # fails Luhn once repaired: no value
    date = emit(REFERRAL, "date", _src("26-0ct-2026", 0.97))
    assert [c.value for c in date] == ["2026-10-26"] and date[0].ocr <= REPAIRED_SHAPE
    plain = emit(REFERRAL, "date", _src("10/26/2026", 0.97))
    assert plain[0].ocr == 0.97 and "ocr_repaired" not in plain[0].extra


def test_vocabulary_repairs_apply_to_ocr_words_only() -> None:
    rel = emit(INSURANCE, "relationship", _src("Seif", 0.95))
    assert [c.value for c in rel] == ["self"] and rel[0].extra.get("ocr_repaired")
    assert [c.value for c in emit(INSURANCE, "relationship", _src("Seif", 1.0))] == ["seif"]
    org = emit(REFERRING, "organization", _src("Stonebridge Cardlology Specialists.", 0.95))
    assert [c.value for c in org] == ["Stonebridge Cardiology Specialists"]
    assert org[0].ocr <= REPAIRED_SHAPE
