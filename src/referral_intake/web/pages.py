"""Page images of an original, rendered with PyMuPDF on request and kept in a bounded in-memory LRU.

The cache holds PHI in memory only (never on disk) and is bounded in bytes; functools.lru_cache was
considered but counts entries, not bytes, and cannot share one budget between PNGs and page sizes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import pymupdf

from referral_intake.errors import UnreadableDocument

ZOOM = 1.5  # 108 dpi: sharp enough for 8-point type, small enough to load fast
# Grey, not colour: referrals are faxes and forms; grey renders and encodes about 3x faster and is half the size.
COLORSPACE = pymupdf.csGRAY
_FILETYPES = {
    "application/pdf": "pdf",
    "image/tiff": "tiff",
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "image/bmp": "bmp",
}


class _Lru:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.used = 0
        self.items: OrderedDict[tuple[object, ...], tuple[object, int]] = OrderedDict()

    def get(self, key: tuple[object, ...]) -> object | None:
        hit = self.items.get(key)
        if hit is None:
            return None
        self.items.move_to_end(key)
        return hit[0]

    def put(self, key: tuple[object, ...], value: object, size: int) -> None:
        if key in self.items:
            self.used -= self.items.pop(key)[1]
        self.items[key] = (value, size)
        self.used += size
        while self.used > self.max_bytes and len(self.items) > 1:
            _, (_, s) = self.items.popitem(last=False)
            self.used -= s


class PageRenderer:
    """Renders page N of a stored original to PNG; `load` returns the original's bytes (from the vault)."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._cache = _Lru(max_bytes)
        self._lock = threading.Lock()
        self._inflight: dict[tuple[str, int], Future[bytes]] = {}
        self._pending: set[object] = set()
        # One background renderer: PyMuPDF holds a global lock, so more threads would not render faster.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-render")

    def submit_once(self, key: object, fn: Callable[[], object]) -> None:
        """Run `fn` on the render thread unless a task with this key is still waiting (warm-ups pile up)."""
        with self._lock:
            if key in self._pending:
                return
            self._pending.add(key)

        def run() -> None:
            with self._lock:
                self._pending.discard(key)
            fn()

        self._pool.submit(run)

    def prefetch(
        self, sha: str, media_type: str | None, pages: Sequence[int], load: Callable[[], bytes]
    ) -> None:
        """Start rendering a case's pages while its HTML goes out, so the image requests find them ready."""
        for page in pages:
            key = (sha, page)
            with self._lock:
                if self._cache.get(("png", sha, page)) is not None or key in self._inflight:
                    continue
                self._inflight[key] = self._pool.submit(self._render, sha, media_type, page, load)

    def _open(self, sha: str, media_type: str | None, load: Callable[[], bytes]) -> pymupdf.Document:
        data = self._cached(("src", sha))
        if not isinstance(data, bytes):
            data = load()
            with self._lock:
                self._cache.put(("src", sha), data, len(data))
        filetype = _FILETYPES.get((media_type or "").split(";")[0].strip().lower(), "pdf")
        try:
            return pymupdf.open(stream=data, filetype=filetype)  # type: ignore[no-untyped-call]
        except Exception as exc:
            raise UnreadableDocument("the original has no page images to show", "no_pages") from exc

    def _cached(self, key: tuple[object, ...]) -> object | None:
        with self._lock:
            return self._cache.get(key)

    def sizes(self, sha: str, media_type: str | None, load: Callable[[], bytes]) -> list[tuple[float, float]]:
        """(width, height) in PDF points of every page, 1-based order; empty when it has no pages."""
        hit = self._cached(("sizes", sha))
        if isinstance(hit, list):
            return hit
        try:
            with self._open(sha, media_type, load) as doc:
                sizes = [(float(p.rect.width), float(p.rect.height)) for p in doc]
        except UnreadableDocument:
            sizes = []
        with self._lock:
            self._cache.put(("sizes", sha), sizes, 64 + 16 * len(sizes))
        return sizes

    def png(self, sha: str, media_type: str | None, page: int, load: Callable[[], bytes]) -> bytes:
        hit = self._cached(("png", sha, page))
        if isinstance(hit, bytes):
            return hit
        with self._lock:
            pending = self._inflight.get((sha, page))
        if pending is not None:
            return pending.result()
        return self._render(sha, media_type, page, load)

    def _render(self, sha: str, media_type: str | None, page: int, load: Callable[[], bytes]) -> bytes:
        try:
            with self._open(sha, media_type, load) as doc:
                if not 1 <= page <= doc.page_count:
                    raise UnreadableDocument(f"page {page} is outside the document", "no_page")
                matrix = pymupdf.Matrix(ZOOM, ZOOM)  # type: ignore[no-untyped-call]
                pix = doc[page - 1].get_pixmap(matrix=matrix, colorspace=COLORSPACE, alpha=False)
                data: bytes = pix.tobytes("png")
            with self._lock:
                self._cache.put(("png", sha, page), data, len(data))
            return data
        finally:
            with self._lock:
                self._inflight.pop((sha, page), None)
