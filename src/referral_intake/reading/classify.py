"""Page kind (the contract's PageKind) from text and layout features by weighted cue scoring.

A trained model was considered; the synthetic corpus has few layouts per kind, and a model trained on it
learns its templates, while cues a clerk would name ("Reference Range", "IMPRESSION:", "# of pages")
carry over to real faxes. Continuation pages with no cue of their own take the previous page's kind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from referral_intake.contract import PageKind
from referral_intake.reading.model import Page

# kind -> (pattern, weight). Patterns match lower-cased page text with single spaces.
_CUES: dict[PageKind, tuple[tuple[str, float], ...]] = {
    "cover_sheet": (
        (r"fax cover|cover sheet|cover page|facsimile (cover|transmittal)|\btransmittal\b", 4.0),
        (r"(number|no\.?|#) of pages|including cover|total pages|\bpages:? ?\d+\b", 3.0),
        (r"(?<!referred )(?<!refer )(?<!sent )\bto:", 0.7),
        (r"\bfrom:", 0.7),
        (r"received this (fax|facsimile|communication|transmission) in error", 1.0),
        (r"\burgent\b.{0,20}\bfor review\b|please (reply|comment|recycle)", 1.5),
    ),
    "referral_form": (
        (r"\breferral\b", 2.0),
        (r"referr(ing|ed) (provider|physician|by|to)\b|refer to\b", 2.0),
        (r"reason for (referral|consult)", 2.5),
        (r"\bconsult(ation)? request", 2.0),
        (r"authori[sz]ation|prior auth|\bpa #", 0.8),
        (r"services requested|requested services", 1.5),
        (r"\bspecialty\b|\bspecialist\b", 0.8),
        (r"\burgency\b|\bpriority\b|\broutine\b", 0.8),
        (r"\bnpi\b", 0.6),
        (r"\bdiagnos[ie]s|\bicd-?10|\bdx\b", 0.6),
        (
            r"dear dr\.?|thank you for seeing|(i am|i'm|we are) referring|referring (him|her|them|you|for)",
            2.0,
        ),
    ),
    "clinical_note": (
        (r"progress note|office visit|clinic note|visit note|encounter", 2.0),
        (r"history of present illness|\bhpi\b", 2.5),
        (r"\bsubjective\b|\bobjective\b", 1.5),
        (r"review of systems|\bros\b", 1.5),
        (r"physical exam|\bexam(ination)?:", 1.5),
        (r"\bassessment\b", 1.5),
        (r"\bplan\b", 0.7),
        (r"\bvitals?\b|\bbp\b|blood pressure|\bpulse\b", 1.0),
        (r"chief complaint|\bcc:", 1.0),
        (r"past medical history|\bpmh\b|social history|family history", 1.5),
        (r"electronically signed", 0.8),
    ),
    "insurance_card": (
        (r"insurance card|member (id|services)|\bid card\b", 2.0),
        (r"\brx ?bin\b|\brx ?pcn\b|\brx ?grp\b", 3.0),
        (r"\bcopay\b|co-pay|\bdeductible\b|\bspecialist\b.*\$|\bpcp\b.*\$|\ber\b.*\$", 1.5),
        (r"\bgroup\b", 0.6),
        (r"\bmember\b|\bsubscriber\b", 0.6),
        (r"does not guarantee coverage|customer service", 1.5),
        (r"\bpayer ?id\b|\bplan\b", 0.5),
        (r"\bppo\b|\bhmo\b|\bepo\b|\bmedicare\b|\bmedicaid\b", 0.8),
    ),
    "demographics": (
        (r"face ?sheet|demographics|registration|patient information", 2.5),
        (r"\bguarantor\b", 2.0),
        (r"emergency contact|next of kin", 1.5),
        (r"marital status|\bmarital\b", 1.5),
        (r"\bemployer\b", 1.0),
        (r"\brace\b|\bethnicity\b", 1.0),
        (r"admit(ting)?|attending", 0.8),
        (r"\baccount\b|acct", 0.5),
        (r"preferred language|\blanguage\b", 0.5),
    ),
    "lab_result": (
        (r"reference (range|interval)|\bref(\.|erence)? range", 3.0),
        (r"laboratory|\blab(s)?\b", 1.5),
        (r"\bspecimen\b|\bcollected\b|\bresulted\b", 1.5),
        (r"\bunits?\b", 1.0),
        (r"\bflag\b", 1.0),
        (r"mg/dl|mmol/l|g/dl|\bk/ul\b|\bu/l\b|ng/ml|miu/l|\b%\b", 1.5),
        (r"hemoglobin|glucose|creatinine|\bwbc\b|a1c|potassium|sodium|tsh|cholesterol|platelet", 1.5),
    ),
    "imaging_report": (
        (r"\bimpression\b", 2.0),
        (r"\bfindings\b", 2.0),
        (r"\btechnique\b", 1.5),
        (r"\bcomparison\b", 1.0),
        (r"radiology|radiologist|imaging", 2.0),
        (r"\bmri\b|\bct\b|x-ray|radiograph|ultrasound|\bxr\b|\bus\b", 1.5),
        (r"\bcontrast\b|\bviews?\b|\bsequences\b", 1.0),
        (r"\bindication\b|clinical history", 1.0),
        (r"\bexam(ination)?\b", 0.5),
    ),
    "other": (  # payer notices and approvals: about a referral, but not one
        (r"notice of (approved|approval|determination)|authorization (approved|approval|notice)", 4.0),
        (r"utilization management|prior authorization department|medical management", 2.0),
        (r"not a guarantee of payment|visits approved|approved (visits|period)|servicing provider", 2.0),
    ),
}
_COMPILED = {k: tuple((re.compile(p), w) for p, w in v) for k, v in _CUES.items()}
_TITLE_BONUS = 1.5  # a cue in the page's first lines (its title) counts this much more
_MIN_SCORE = 2.5  # below this the page has no voice of its own
_NUMBER_TOKEN = re.compile(r"^[<>]?\d+([.,]\d+)?%?$")


_FAX_HEADER_PT = 24.0  # a fax machine stamps its header line ("FROM: ... TO: ... PAGE 1/3") in this band


def page_scores(page: Page) -> dict[PageKind, float]:
    if page.text_source == "ocr":  # the header's "FROM:"/"TO:" would read as a cover sheet on every page
        page = Page(
            page.number,
            page.width,
            page.height,
            [w for w in page.words if w.y1 > _FAX_HEADER_PT],
            page.text_source,
        )
    text = " ".join(page.text.lower().split())
    top_lines = sorted({w.line + 1000 * w.block for w in page.words if w.y0 < 0.2 * page.height})
    title = " ".join(w.text.lower() for w in page.words if w.y0 < 0.2 * page.height)
    scores: dict[PageKind, float] = {}
    for kind, cues in _COMPILED.items():
        s = 0.0
        for rx, weight in cues:
            if rx.search(text):
                s += weight * (_TITLE_BONUS if rx.search(title) else 1.0)
        scores[kind] = s
    _layout(page, scores, len(top_lines))
    return scores


def _layout(page: Page, scores: dict[PageKind, float], _title_lines: int) -> None:
    """Layout features: few words (cover sheets, cards) and number-dense tables (labs)."""
    n = len(page.words)
    if n == 0:
        return
    numbers = sum(1 for w in page.words if _NUMBER_TOKEN.match(w.text))
    if numbers / n > 0.18 and n > 40:
        scores["lab_result"] += 1.5
    if n < 140:
        scores["cover_sheet"] *= 1.3
    else:
        scores["cover_sheet"] *= 0.6


def classify_page(page: Page, previous: PageKind | None = None) -> PageKind:
    scores = page_scores(page)
    best = max(scores, key=lambda k: scores[k])
    if scores[best] < _MIN_SCORE:
        return previous if previous is not None else "other"
    return best


def classify_pages(pages: Sequence[Page]) -> None:
    """Set `kind` on every page; weak pages continue the kind of the page before them."""
    previous: PageKind | None = None
    for page in pages:
        page.kind = classify_page(page, previous)
        previous = page.kind
