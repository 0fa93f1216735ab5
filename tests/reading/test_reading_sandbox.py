"""Hostile and broken files end as specific errors in a child process; the caller keeps serving."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from reading_factories import (
    bomb_pdf,
    eml_with,
    encrypted_pdf,
    fax_tiff_g4,
    huge_png_header,
    ten_thousand_page_pdf,
    text_pdf,
)

from referral_intake.errors import UnreadableDocument
from referral_intake.reading import read_document, sandbox
from referral_intake.settings import ReadingSettings

S = ReadingSettings()


@pytest.fixture(scope="module", autouse=True)
def _children() -> Iterator[None]:
    yield
    sandbox.shutdown()


def _good() -> None:
    doc = read_document(text_pdf(), "good.pdf", S)
    assert doc.pages[0].kind == "referral_form" and "03/14/1962" in doc.pages[0].text


def _truncated() -> bytes:
    data = text_pdf(pages=2)
    return data[: len(data) // 2]


BROKEN: list[tuple[str, Callable[[], bytes], str, str]] = [
    ("truncated", _truncated, "x.pdf", "truncated"),
    ("encrypted", encrypted_pdf, "x.pdf", "encrypted"),
    ("10k pages", ten_thousand_page_pdf, "x.pdf", "too_many_pages"),
    ("30000x30000 image", huge_png_header, "x.png", "image_too_large"),
    ("bomb attachment", lambda: eml_with(bomb_pdf(400_000_000), "labs.pdf"), "x.eml", "decompression_bomb"),
    ("not a pdf", lambda: b"MZ\x90\x00 an executable, renamed" * 20, "referral.pdf", "not_a_pdf"),
]


@pytest.mark.parametrize(("make", "name", "reason"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_file_ends_with_its_error_and_the_next_document_reads(
    make: Callable[[], bytes], name: str, reason: str
) -> None:
    _good()
    before = sandbox.worker_pids()
    with pytest.raises(UnreadableDocument) as err:
        read_document(make(), name, S)
    assert err.value.reason == reason
    assert str(err.value) and "Maria" not in str(err.value)
    assert sandbox.worker_pids() == before  # a refusal does not cost the child
    _good()


def test_timeout_kills_the_child_and_a_new_one_serves_the_next_document() -> None:
    _good()
    before = sandbox.worker_pids()
    with pytest.raises(UnreadableDocument) as err:
        read_document(fax_tiff_g4(pages=3), "fax.tif", ReadingSettings(timeout_seconds=0.05))
    assert err.value.reason == "timeout"
    assert sandbox.worker_pids() != before
    _good()


def test_memory_limit_ends_as_memory_error() -> None:
    hungry = ReadingSettings(max_pixels=2_000_000_000, memory_limit_mb=1200)
    with pytest.raises(UnreadableDocument) as err:
        read_document(huge_png_header(), "x.png", hungry)
    assert err.value.reason == "memory"
    _good()


def test_sandbox_result_matches_in_process_reading() -> None:
    from referral_intake.reading import read_document_inproc

    data = text_pdf(pages=2)
    assert read_document(data, "a.pdf", S) == read_document_inproc(data, "a.pdf", S)
    assert sandbox.worker_peak_rss_mb() > 0
