"""Faxed-document field repairs: OCR slips put back only where a list, a code set, a checksum or a calendar
confirms them; what no check confirms stays as read, as doubtful reading. Synthetic people only."""

from __future__ import annotations

from referral_intake.extraction import normalize as nz
from referral_intake.extraction.candidates import REPAIRED_SHAPE, Candidate, Source, emit, specialty_reading
from referral_intake.extraction.layout import Cell, Line, _split_captions, find_labels
from referral_intake.extraction.lexicon import PATIENT, REFERRAL, REFERRED_TO, REFERRING, fuzzy_label
from referral_intake.extraction.ocr_vocab import address_word
from referral_intake.reading.model import Word


def words_of(text: str, conf: float = 0.96, x0: float = 40.0, line: int = 0) -> list[Word]:
    out: list[Word] = []
    x = x0
    for tok in text.split():
        out.append(Word(tok, x, 100.0, x + 5.5 * len(tok), 110.0, conf, 0, line))
        x += 5.5 * (len(tok) + 1)
    return out


def src(text: str, ocr: bool = True) -> Source:
    return Source(1, words_of(text, 0.96 if ocr else 1.0), "inline", 0.9, "label")


def values(cands: list[Candidate], path: str) -> list[object]:
    return [c.value for c in cands if c.path == path]


# ---------------------------------------------------------------- addresses


def test_address_word_repairs_only_to_known_suffixes_and_units() -> None:
    assert address_word("PI") == "Pl"
    assert address_word("Bivd") == "Blvd"
    assert address_word("Blyd") == "Blvd"
    assert address_word("ApL") == "Apt"
    assert address_word("Sulte") == "Suite"
    for known in ("Pl", "Blvd", "St", "Way", "Apt", "Ridge", "Meadow"):
        assert address_word(known) is None


def test_ocr_street_line_is_repaired_and_marked_doubtful() -> None:
    cands = emit(PATIENT, "address", src("2i75 E Birch PI, Rochester, NY 14686"))
    line1 = next(c for c in cands if c.path == "patient.address.line1")
    assert line1.value == "2175 E Birch Pl"
    assert line1.extra.get("ocr_repaired") and line1.ocr <= REPAIRED_SHAPE
    assert values(cands, "patient.address.postal_code") == ["14686"]


def test_text_layer_street_line_and_lettered_house_number_stay() -> None:
    assert values(
        emit(PATIENT, "address", src("9471 Lake PI, Rochester, NY 14686", ocr=False)), "patient.address.line1"
    ) == ["9471 Lake PI"]
    assert values(
        emit(PATIENT, "address", src("12B Oak St, Rochester, NY 14686")), "patient.address.line1"
    ) == ["12B Oak St"]


def test_unit_designator_and_speck_colon() -> None:
    assert values(emit(PATIENT, "address2", src("ApL 342")), "patient.address.line2") == ["Apt 342"]
    assert values(
        emit(PATIENT, "address", src("8422 N: Ridge Ct, Dayton, OH 45402")), "patient.address.line1"
    ) == ["8422 N Ridge Ct"]


# ---------------------------------------------------------------- lists, names, words


def test_medication_words_repaired_unknown_words_kept() -> None:
    cands = emit(
        REFERRAL, "medications", src("aspirln 81 mg dally; Zorblax 5 mg nightly; metformin 500 mg.BID")
    )
    assert values(cands, "medications") == [
        "aspirin 81 mg daily",
        "Zorblax 5 mg nightly",
        "metformin 500 mg BID",
    ]
    assert [bool(c.extra.get("ocr_repaired")) for c in cands] == [True, False, False]
    # A text layer's spelling is the document's own.
    assert values(emit(REFERRAL, "medications", src("aspirln 81 mg dally", ocr=False)), "medications") == [
        "aspirln 81 mg dally"
    ]


def test_given_name_fold_repair_only_for_unlisted_names() -> None:
    first = next(c for c in emit(PATIENT, "name", src("Victorla Nguyen")) if c.path == "patient.first_name")
    assert first.value == "Victoria" and first.extra.get("ocr_repaired")
    assert values(emit(PATIENT, "name", src("REED, DOUQLAS")), "patient.first_name") == ["DOUGLAS"]
    # An unusual spelling that folds to no listed name stays as read.
    assert values(emit(PATIENT, "name", src("Aaliyuh Anderson")), "patient.first_name") == ["Aaliyuh"]
    assert values(emit(PATIENT, "name", src("Victorla Nguyen", ocr=False)), "patient.first_name") == [
        "Victorla"
    ]


def test_specks_in_names_of_practices_payers_and_people() -> None:
    assert nz.ocr_specks("Molina. Healthcare") == "Molina Healthcare"
    assert nz.ocr_specks("Oak Hollow.Family Medicine") == "Oak Hollow Family Medicine"
    assert nz.ocr_specks("Riverbend Ophthalmology Specialist.s") == "Riverbend Ophthalmology Specialists"
    assert nz.ocr_specks("St. Luke's Hospital") == "St. Luke's Hospital"
    cands = emit(REFERRING, "name", src("HENRY. RUIZ. DO"))
    assert values(cands, "referring_provider.last_name") == ["RUIZ"]
    assert values(cands, "referring_provider.credentials") == ["DO"]


def test_sex_word_repair_needs_a_single_fit() -> None:
    assert nz.ocr_sex("Matle") == "M"
    assert nz.ocr_sex("Fernale") == "F"
    assert nz.ocr_sex("Mole") is None  # a four-letter word gets no edit beyond confusable letters
    assert nz.ocr_sex("emale") is None  # one edit from both "male" and "female"
    assert values(emit(PATIENT, "sex", src("Matle", ocr=False)), "patient.sex") == []


def test_specialty_words_from_a_scan() -> None:
    assert specialty_reading("Orthopedies", ocr=True)
    assert not specialty_reading("Orthopedies", ocr=False)
    assert values(emit(REFERRED_TO, "specialty", src("Endoorinology")), "referred_to.specialty") == [
        "Endocrinology"
    ]


def test_date_with_speck() -> None:
    assert values(emit(PATIENT, "dob", src("Jun* 2, 1992")), "patient.date_of_birth") == ["1992-06-02"]


def test_lowercase_proper_name_is_doubtful() -> None:
    city = [c for c in emit(PATIENT, "csz", src("payton, OH 45419")) if c.path == "patient.address.city"]
    assert city and city[0].ocr <= REPAIRED_SHAPE


# ---------------------------------------------------------------- labels


def labels_of(text: str, ocr: bool = True) -> list[tuple[str, str]]:
    cell = Cell(words_of(text, 0.96 if ocr else 1.0), 0, ocr=ocr)
    return [
        (sp.label.key, " ".join(w.text for w in cell.words[sp.end : sp.value_end]))
        for sp in find_labels(cell)
    ]


def test_fuzzy_label_of_several_words() -> None:
    lab = fuzzy_label("Dpte of Referal")
    assert lab is not None and lab.key == "date"
    assert fuzzy_label("Pain in right knee") is None
    assert labels_of("Dpte of Referal 10-21-2026") == [("date", "10-21-2026")]
    assert labels_of("Dpte of Referal 10-21-2026", ocr=False) == []


def test_misread_one_word_label_before_digits_and_inner_labels() -> None:
    assert labels_of("Tet 503.555.0113 NPI 1222244125") == [("phone", "503.555.0113"), ("npi", "1222244125")]
    assert labels_of("Tet 503.555.0113", ocr=False) == []
    assert labels_of("NPE: 1698188921") == [("npi", "1698188921")]


def test_merged_caption_cells_are_split() -> None:
    cells = [
        Cell(words_of("Last Name", x0=40), 0, ocr=True),
        Cell(words_of("MI Birthdate", x0=200), 0, ocr=True),
    ]
    line = Line(cells, 100.0, 110.0)
    _split_captions(line)
    assert [c.text for c in line.cells] == ["Last Name", "MI", "Birthdate"]
    # A line of values is left alone.
    vals = [Cell(words_of("Chen", x0=40), 0, ocr=True), Cell(words_of("Mary Ann", x0=200), 0, ocr=True)]
    line = Line(vals, 100.0, 110.0)
    _split_captions(line)
    assert [c.text for c in line.cells] == ["Chen", "Mary Ann"]


def test_label_glued_to_its_value_is_split() -> None:
    from referral_intake.extraction.layout import _unglue_label_word

    def split(text: str) -> list[str]:
        return [w.text for w in _unglue_label_word(Word(text, 0, 0, 60, 10, 0.9))]

    assert split("NameKeisha") == ["Name", "Keisha"]
    assert split("NameNGUYEN,") == ["Name", "NGUYEN,"]
    for whole in ("FirstName", "HealthPartners", "CareSource", "McDonald", "PhD"):
        assert split(whole) == [whole]


def test_practice_after_a_name_is_repaired() -> None:
    cands = emit(REFERRED_TO, "name", src("Dr. Jacqueline Carter, Pinecrest Gastroenterology Assoclates"))
    assert values(cands, "referred_to.organization") == ["Pinecrest Gastroenterology Associates"]
    assert values(cands, "referred_to.last_name") == ["Carter"]


def test_list_separator_read_as_colon() -> None:
    cands = emit(REFERRAL, "medications", src("atorvastatin 20 mg nightly: albuterol inhaler as needed"))
    assert values(cands, "medications") == ["atorvastatin 20 mg nightly", "albuterol inhaler as needed"]
    text_layer = emit(REFERRAL, "medications", src("atorvastatin 20 mg nightly: albuterol", ocr=False))
    assert len(values(text_layer, "medications")) == 1
