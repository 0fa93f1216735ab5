"""Coverage and referral facts on layouts unlike the in-house generator's: captions under the filled line next
to a "Label: [x] choice" cell, a Primary/Secondary coverage grid, a payer line ending with the member id,
pipe-separated coverage lines, tick boxes glued to their word, wrapped list items, and a letter's sentences."""

from __future__ import annotations

from extraction_pages import make_doc, value

from referral_intake.extraction.candidates import Source, emit, reads_as_plan
from referral_intake.extraction.extractor import extract_document
from referral_intake.extraction.layout import analyze
from referral_intake.extraction.lexicon import INSURANCE, match_label
from referral_intake.extraction.narrative import harvest_narrative
from referral_intake.reading.model import Page, ReadDocument, Word


def _key(text: str) -> str | None:
    lab = match_label(text)
    return lab.key if lab else None


def test_real_form_captions_name_coverage_and_referral_fields() -> None:
    assert _key("Member / subscriber ID") == "member_id"
    assert _key("CHILD'S MEMBER ID") == "member_id"
    assert _key("DoD benefits number") == "member_id"
    assert _key("Policyholder (insured) name") == "subscriber"
    assert _key("Sponsor") == "subscriber"
    assert _key("Sponsor date of birth") == "subscriber_dob"
    assert _key("Patient is insured's:") == "relationship"
    assert _key("PATIENT'S RELATIONSHIP TO POLICYHOLDER") == "relationship"
    assert _key("Patient rel. to subscriber") == "relationship"
    assert _key("Authorization number (plan use):") == "auth"
    assert _key("Review type") == "urgency"
    assert _key("Pertinent clinical information") == "summary"
    assert _key("Reason for referral / question for the consultant") == "reason"
    assert _key("Concern / question for specialist") == "reason"
    assert _key("Current medicines") == "medications"
    # A parenthesis that is part of a value is not a fill-in hint.
    assert _key("Sulfa drugs (rash)") is None


def _src(text: str) -> Source:
    words = [Word(t, 10.0 * i, 0, 10.0 * i + 8, 10) for i, t in enumerate(text.split())]
    return Source(1, words, "inline", 1.0, "label")


def _paths(key: str, text: str) -> dict[str, object]:
    return {c.path: c.value for c in emit(INSURANCE, key, _src(text))}


def test_a_coverage_line_ending_with_the_member_id_gives_all_three() -> None:
    assert _paths("payer", "Harbor Mutual Insurance – Harbor Silver PPO ID HMX903674700") == {
        "insurance.0.payer_name": "Harbor Mutual Insurance",
        "insurance.0.plan_name": "Harbor Silver PPO",
        "insurance.0.member_id": "HMX903674700",
    }
    # Words only after "ID" are no member id.
    assert "insurance.0.member_id" not in _paths("payer", "Harbor Mutual Insurance ID card")


def test_role_words_and_form_titles_are_no_payer() -> None:
    assert _paths("payer", "PRIMARY") == {}
    assert _paths("payer", "Secondary Insurance") == {}
    assert _paths("payer", "TRICARE — SPECIALTY REFERRAL AUTHORIZATION") == {}
    assert _paths("plan", "(Harbor Open Access HMO),") == {"insurance.0.plan_name": "Harbor Open Access HMO"}


def test_what_follows_a_payer_reads_as_its_plan_only_when_it_looks_like_one() -> None:
    assert reads_as_plan("Medicaid", "Medicaid Managed Care")
    assert reads_as_plan("Harbor Mutual", "Harbor Mutual Gold")
    assert not reads_as_plan("Medicaid", "ID MCD843671428")
    assert not reads_as_plan("Medicaid", "Ann Lee, MD")
    assert not reads_as_plan("Medicaid", "Referring provider")


def _letter(*lines: str) -> list[tuple[float, float, str, float]]:
    return [(50.0, 100.0 + 14.0 * i, t, 10.0) for i, t in enumerate(lines)]


def test_a_letter_states_coverage_medications_and_allergies_in_sentences() -> None:
    doc = make_doc(
        _letter(
            "Dear Dr. Quill:",
            "I am referring her for chronic cough.",
            "Her current medications are lisinopril 10 mg daily, metformin 500 mg twice daily.",
            "She is allergic to Latex and Penicillin (hives).",
            "She is covered by Harbor Mutual (Harbor Silver PPO), member ID HMX88524272, and can be",
            "reached at her home number.",
        )
    )
    got = {(c.path, c.value) for c in harvest_narrative(analyze(doc.pages[0]))}
    assert ("medications", "lisinopril 10 mg daily") in got
    assert ("medications", "metformin 500 mg twice daily") in got
    assert ("allergies", "Latex") in got
    assert ("allergies", "Penicillin (hives)") in got
    assert ("insurance.0.payer_name", "Harbor Mutual") in got
    assert ("insurance.0.plan_name", "Harbor Silver PPO") in got
    assert ("insurance.0.member_id", "HMX88524272") in got


def test_a_letter_without_allergies_or_with_a_list_heading_states_no_items() -> None:
    doc = make_doc(
        _letter(
            "She is allergic to no known drugs.",
            "Medication list",
            "sertraline 50 mg daily",
        )
    )
    got = [(c.path, c.value) for c in harvest_narrative(analyze(doc.pages[0]))]
    assert got == []


def test_captions_under_values_beside_a_labelled_tick_box_cell() -> None:
    items = [
        (50, 100, "Harbor Mutual Insurance", 10.0),
        (220, 100, "Harbor Silver PPO", 10.0),
        (370, 100, "HMX256752611", 10.0),
        (48, 111, "Insurance company", 7.0),
        (218, 111, "Plan / product", 7.0),
        (368, 111, "Member / subscriber ID", 7.0),
        (50, 135, "Nadia Quillfeather", 10.0),
        (220, 135, "02/22/1986", 10.0),
        (330, 135, "Patient is insured's: [] Self [x] Spouse [] Child", 9.0),
        (48, 146, "Policyholder (insured) name", 7.0),
        (218, 146, "Insured's date of birth", 7.0),
    ]
    ext = extract_document(make_doc(items))
    assert value(ext, "insurance.0.payer_name") == "Harbor Mutual Insurance"
    assert value(ext, "insurance.0.plan_name") == "Harbor Silver PPO"
    assert value(ext, "insurance.0.member_id") == "HMX256752611"
    assert value(ext, "insurance.0.subscriber_name") == "Nadia Quillfeather"
    assert value(ext, "insurance.0.subscriber_date_of_birth") == "1986-02-22"
    assert value(ext, "insurance.0.subscriber_relationship") == "spouse"


def test_a_primary_secondary_grid_gives_the_second_coverage() -> None:
    rows = [
        ("INSURANCE", "PRIMARY", "SECONDARY"),
        ("Carrier", "Harbor Mutual", "Medicare"),
        ("Plan", "Harbor Silver PPO", "Medicare Part B"),
        ("Member ID", "HMX812214024", "6PJ8-E72-TW40"),
        ("Insured DOB", "1988-11-21", "1985-02-15"),
        ("Pt. relationship to insured", "Spouse", "Self"),
    ]
    items = [
        (x, 100.0 + 17.0 * i, t, 9.0)
        for i, row in enumerate(rows)
        for x, t in zip((50, 180, 370), row, strict=True)
    ]
    ext = extract_document(make_doc(items))
    assert value(ext, "insurance.0.payer_name") == "Harbor Mutual"
    assert value(ext, "insurance.0.member_id") == "HMX812214024"
    assert value(ext, "insurance.1.payer_name") == "Medicare"
    assert value(ext, "insurance.1.plan_name") == "Medicare Part B"
    assert value(ext, "insurance.1.member_id") == "6PJ8E72TW40"
    assert value(ext, "insurance.1.subscriber_date_of_birth") == "1985-02-15"
    assert value(ext, "insurance.1.subscriber_relationship") == "self"


def test_pipe_separated_coverage_line_and_a_summary_under_its_label() -> None:
    items = [
        (48, 100, "Insurance: Medicaid", 9.0),
        (160, 100, "Medicaid Managed Care", 9.0),
        (300, 100, "Payer ID SKMD0", 9.0),
        (48, 160, "Pertinent clinical information:", 9.0),
        (48, 172, "Knee pain for six months despite physical therapy.", 9.0),
    ]
    ext = extract_document(make_doc(items))
    assert value(ext, "insurance.0.payer_name") == "Medicaid"
    assert value(ext, "insurance.0.plan_name") == "Medicaid Managed Care"
    assert value(ext, "insurance.0.payer_id") == "SKMD0"
    assert value(ext, "clinical_summary") == "Knee pain for six months despite physical therapy"


def test_a_list_item_wrapped_at_the_margin_stays_one_item() -> None:
    items = [
        (48, 100, "Medications:", 9.0),
        (150, 100, "gabapentin 300 mg at bedtime; albuterol inhaler 2 puffs every 4 hours", 9.0),
        (150, 111, "as needed; cetirizine 5 mg daily", 9.0),
        (48, 130, "Referral date: 11/09/2026 and more words to reach the right margin of this page", 9.0),
    ]
    ext = extract_document(make_doc(items))
    meds = {str(m.value) for m in ext.referrals[0].medications}
    assert meds == {
        "gabapentin 300 mg at bedtime",
        "albuterol inhaler 2 puffs every 4 hours as needed",
        "cetirizine 5 mg daily",
    }


def test_a_tick_glued_to_its_word_marks_the_choice() -> None:
    # Text layers often glue a drawn tick to the option it marks ("✔Routine").
    toks = ["How", "soon?", "✔Routine", "☐", "Urgent", "(within", "1", "week)", "☐", "STAT"]
    words, x = [], 48.0
    for t in toks:
        words.append(Word(t, x, 100, x + 6 * len(t), 110))
        x += 6 * len(t) + 3
    doc = ReadDocument("0" * 64, "application/pdf", "t.pdf", pages=[Page(1, 612, 792, words)])
    assert value(extract_document(doc), "urgency") == "routine"


def test_the_guardians_birth_date_is_the_subscribers_only_when_the_guardian_is_the_policyholder() -> None:
    def page(policyholder: str) -> list[tuple[float, float, str, float]]:
        rows = [
            [(50, "PARENT / LEGAL GUARDIAN"), (250, "GUARDIAN DATE OF BIRTH"), (420, "FAMILY LANGUAGE")],
            [(52, "Tobin Quarrie"), (252, "02-Apr-1986"), (422, "Spanish")],
            [(50, "INSURANCE CARRIER"), (250, "MEMBER ID"), (420, "GROUP")],
            [(52, "Harbor Mutual"), (252, "HMX198108720"), (422, "GRP-08275")],
            [(50, "POLICYHOLDER"), (250, "PATIENT'S RELATIONSHIP TO POLICYHOLDER")],
            [(52, policyholder), (252, "Child")],
        ]
        return [
            (x, 100.0 + 15.0 * i, t, 8.0 if i % 2 == 0 else 10.0) for i, r in enumerate(rows) for x, t in r
        ]

    ext = extract_document(make_doc(page("Tobin Quarrie")))
    assert value(ext, "insurance.0.subscriber_name") == "Tobin Quarrie"
    assert value(ext, "insurance.0.subscriber_relationship") == "child"
    assert value(ext, "insurance.0.subscriber_date_of_birth") == "1986-04-02"
    other = extract_document(make_doc(page("Marisol Quarrie")))
    assert value(other, "insurance.0.subscriber_name") == "Marisol Quarrie"
    assert value(other, "insurance.0.subscriber_date_of_birth") is None


def test_a_chief_complaint_is_the_reason_but_a_copy_list_is_not() -> None:
    from referral_intake.extraction.lexicon import REFERRAL

    def reason(text: str) -> list[object]:
        words = [Word(t, 10.0 * i, 0, 10.0 * i + 8, 10) for i, t in enumerate(text.split())]
        return [c.value for c in emit(REFERRAL, "reason", Source(1, words, "inline", 0.55, "default"))]

    assert _key("CC:") == "reason"
    assert reason("new atrial fibrillation, rate vs rhythm control") == [
        "new atrial fibrillation, rate vs rhythm control"
    ]
    assert reason("Dr. Ann Lee") == []
    assert reason("Priya Amadi, MD") == []
    assert reason("chart") == []


def test_a_work_injury_claim_block_names_the_carrier_and_the_treatment() -> None:
    rows = [
        ("Employer", "Quarrie Foods Inc."),
        ("Employer phone", "541.555.0196"),
        ("3. CLAIM", ""),
        ("Insurance carrier .", "Great Plains Employers Insurance"),
        ("Treatment authorization # .", "RFA-507279-3"),
        ("Treatment requested.", "evaluate and treat neck and back pain"),
    ]
    items = [
        (x, 100.0 + 16.0 * i, t, 9.0)
        for i, r in enumerate(rows)
        for x, t in zip((54, 226), r, strict=True)
        if t
    ]
    ext = extract_document(make_doc(items))
    assert value(ext, "insurance.0.payer_name") == "Great Plains Employers Insurance"
    assert value(ext, "authorization_number") == "RFA5072793"
    assert value(ext, "reason") == "evaluate and treat neck and back pain"


def test_a_payer_and_plan_run_together_are_told_apart() -> None:
    assert _paths("payer", "Cigna Healthcare Cigna LocalPlus") == {
        "insurance.0.payer_name": "Cigna Healthcare",
        "insurance.0.plan_name": "Cigna LocalPlus",
    }
    # A fax turned the dash into "~" and glued it to the payer.
    assert _paths("payer", "UnitedHealthcare~ UHC Navigate") == {
        "insurance.0.payer_name": "UnitedHealthcare",
        "insurance.0.plan_name": "UHC Navigate",
    }
    assert _paths("payer", "Blue Cross Blue Shield of Texas") == {
        "insurance.0.payer_name": "Blue Cross Blue Shield of Texas"
    }


def test_numbered_code_slots_are_diagnosis_and_procedure_captions() -> None:
    assert _key("ICD-10 code 3") == "diagnosis"
    assert _key("Diagnosis 2") == "diagnosis"
    assert _key("CPT 1") == "procedure"


def test_a_note_plan_line_orders_a_coded_procedure() -> None:
    doc = make_doc(
        _letter(
            "PLAN",
            "- Requested: 95910 Nerve conduction studies",
            "- Return to clinic in 3 months; Portland, OR 97201",
        )
    )
    got = {(c.path, c.value) for c in harvest_narrative(analyze(doc.pages[0]))}
    assert got == {("procedures", "95910")}


def test_ids_that_are_not_the_members_stay_out() -> None:
    # The last id on a coverage line glued by a fax is the payer's, not the member's.
    assert "insurance.0.member_id" not in _paths("payer", "Harbor Mutual ID 83024433145Payer ID 87726")
    # An auto or work-injury claim's policy number is no health plan member id.
    rows = [
        ("2. CLAIM", ""),
        ("Insurance carrier ...", "Cascade Auto & Home Insurance"),
        ("Policy number ...", "AP-720157207"),
    ]
    items = [
        (x, 100.0 + 16.0 * i, t, 9.0)
        for i, r in enumerate(rows)
        for x, t in zip((54, 226), r, strict=True)
        if t
    ]
    ext = extract_document(make_doc(items))
    assert value(ext, "insurance.0.payer_name") == "Cascade Auto & Home Insurance"
    assert value(ext, "insurance.0.member_id") is None


def test_the_tail_of_an_unknown_relationship_caption_is_no_relationship() -> None:
    # "RELATIONSHIP TO CHILD" (the guardian's to the child) read as "Relationship" + "TO CHILD".
    assert _paths("relationship", "TO CHILD") == {}
    assert _paths("relationship", "Spouse") == {"insurance.0.subscriber_relationship": "spouse"}
