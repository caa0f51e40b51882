"""Documents to sentences and chunks, with exact offsets into each file's text.

The seed format: the first line is ``date YYYY-MM-DD <title>``, paragraphs are
separated by blank lines, and a short line without final punctuation is a
section heading (Markdown ``#`` headings work too). Headings become the
``section`` of the sentences under them; they are context, not answers.

Web pages (.html), PDF and Word (.docx) files are converted to that format
first (:func:`extract_text`): the article's text, title and date, without
menus and ads. Their sentences' offsets point into the extracted text, which
the index keeps beside itself (``index.store``).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import stat
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from index.segment import split_sentences
from qa.errors import QAError

SUFFIXES = (".txt", ".md", ".markdown")  # plain text, indexed as it is
#: files whose text is extracted first, by suffix (the first bytes decide when they say otherwise)
EXTRACTED_SUFFIXES = {".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".docx": "docx"}
FORMATS = ".txt, .md, .html, .pdf, .docx"
MAX_HEADING_CHARS = 90

_HEADER = re.compile(r"[ \t\ufeff]*date[ \t]+(\d{4}-\d{2}-\d{2})[ \t]+(\S[^\n]*?)[ \t]*$", re.M)
_MD_HEADING = re.compile(r"#{1,6}[ \t]+")
_BLOCK = re.compile(r"[^\n]+(?:\n[ \t]*\S[^\n]*)*")


class DocumentError(QAError, ValueError):
    """A document could not be read; the message names the file and the fix."""


class DocumentWarning(UserWarning):
    """A file of a corpus folder is not indexed; the message names it and says why."""


@dataclass(frozen=True)
class Sentence:
    id: str
    source: str
    start: int
    end: int
    text: str
    section: str
    paragraph: int
    kind: str = "body"  # "body" or "title"


@dataclass(frozen=True)
class Chunk:
    """A paragraph: the context shown with its sentences."""

    id: str
    source: str
    start: int
    end: int
    section: str
    sentence_ids: tuple[str, ...]


@dataclass
class Document:
    source: str
    text: str
    title: str = ""
    date: str = ""
    sentences: list[Sentence] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    #: "text" (.txt/.md, indexed as it is) or the extractor that made ``text``: "html", "pdf", "docx"
    kind: str = "text"
    #: SHA-256 of the source file's bytes (what staleness is checked against)
    raw_sha256: str = ""
    #: the file ``text`` (and so every offset) comes from: the source itself for plain text, the
    #: extracted copy kept in the index folder otherwise (set by ``index.store.load_index``)
    text_path: str = ""

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    if _MD_HEADING.match(stripped):
        return True
    return (
        0 < len(stripped) <= MAX_HEADING_CHARS
        and "\n" not in stripped
        and stripped[-1] not in ".!?…:;,\"'”’»)"
    )


def _sentence_id(stem: str, text: str, seen: dict[str, int]) -> str:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    seen[digest] = seen.get(digest, 0) + 1
    suffix = "" if seen[digest] == 1 else f"-{seen[digest]}"
    return f"{stem}#{digest}{suffix}"


def parse_document(text: str, source: str) -> Document:
    """Split ``text`` (the file's exact text) into title, sections and sentences."""
    doc = Document(source=source, text=text)
    stem = Path(source).stem
    seen: dict[str, int] = {}
    body_from = 0
    header = _HEADER.match(text)
    if header:
        doc.date, doc.title = header.group(1), header.group(2)
        # The header line is citable for questions about the date or title.
        start, end = text.index("date", header.start()), header.end(2)
        line = text[start:end]
        doc.sentences.append(
            Sentence(_sentence_id(stem, line, seen), source, start, end, line, "", -1, "title")
        )
        body_from = header.end()
    section = ""
    paragraph = 0
    for block in _BLOCK.finditer(text, body_from):
        raw = block.group()
        if not raw.strip():
            continue
        if _is_heading(raw):
            section = _MD_HEADING.sub("", raw.strip(), count=1)
            if not doc.title and not doc.sentences:
                doc.title = section
            doc.sections.append(section)
            continue
        ids = []
        for s, e in split_sentences(text, block.start(), block.end()):
            sentence = Sentence(
                _sentence_id(stem, text[s:e], seen), source, s, e, text[s:e], section, paragraph
            )
            doc.sentences.append(sentence)
            ids.append(sentence.id)
        if ids:
            doc.chunks.append(
                Chunk(f"{stem}#p{paragraph}", source, block.start(), block.end(), section, tuple(ids))
            )
            paragraph += 1
    return doc


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{path} is not UTF-8 text (byte {exc.start}); convert it, e.g. "
            f"`iconv -f windows-1254 -t utf-8 {path}`"
        ) from None


def _read_bytes(path: Path) -> bytes:
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise DocumentError(f"{path} is a directory, expected a document file")
        if not stat.S_ISREG(mode):
            # A FIFO or device would block or never end: it is not opened.
            raise DocumentError(f"{path} is not a regular file (a FIFO, device or socket); name a document file")
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise DocumentError(f"file not found: {path}") from None
    except OSError as exc:
        raise DocumentError(f"cannot read {path}: {exc.strerror}") from None


def read_text(path: Path) -> str:
    """The file's exact text (newlines untranslated, so offsets match the file)."""
    return _decode(_read_bytes(path), path)


# -- content types -------------------------------------------------------------------------

_HTML_START = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)


def sniff(head: bytes, archive: Path | io.BytesIO | None = None) -> str | None:
    """What the first bytes say a file is: "pdf", "docx", "html" or None.

    ``archive`` (the file, or its bytes) is opened as a zip only when ``head`` starts like one, to
    look for ``word/document.xml``.
    """
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") and archive is not None:
        try:
            with zipfile.ZipFile(archive) as zipped:
                return "docx" if "word/document.xml" in zipped.namelist() else None
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
    if _HTML_START.match(head.removeprefix(b"\xef\xbb\xbf")[:4096]):
        return "html"
    return None


def content_type(path: Path, data: bytes | None = None) -> str | None:
    """How ``path`` is read: "text", "html", "pdf", "docx", or None when it cannot be indexed.

    The first bytes decide (a PDF saved as .txt is a PDF); otherwise the suffix does.
    ``data``, when given, is the file's content (nothing is read then).
    """
    if data is None:
        with open(path, "rb") as handle:
            head = handle.read(4096)
        sniffed = sniff(head, path)
    else:
        sniffed = sniff(data[:4096], io.BytesIO(data))
    suffix = path.suffix.lower()
    return sniffed or ("text" if suffix in SUFFIXES else EXTRACTED_SUFFIXES.get(suffix))


# -- extractors: each returns text in the seed format ----------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _compose(title: str, date: str, blocks: list[tuple[str, str]]) -> str:
    """Seed-format text: the header (``date ... title`` or ``# title``), then headings and paragraphs."""
    title = _one_line(title)
    blocks = [(kind, _one_line(text)) for kind, text in blocks if text.strip()]
    if blocks and _HEADER.match(blocks[0][1]):
        return "\n\n".join(text for _, text in blocks) + "\n"  # already in the seed format
    if not title and blocks and blocks[0][0] == "heading":
        title = blocks[0][1]
    if blocks and blocks[0][0] == "heading" and blocks[0][1].casefold() == title.casefold():
        blocks = blocks[1:]
    lines = []
    if date and title:
        lines.append(f"date {date} {title}")
    elif title:
        lines.append(f"# {title}")
    lines += [f"## {text}" if kind == "heading" else text for kind, text in blocks]
    return "\n\n".join(lines) + "\n"


def _extract_html(data: bytes, path: Path) -> str:
    import trafilatura
    from lxml import etree

    try:
        xml = trafilatura.extract(data, output_format="xml", with_metadata=True, include_comments=False,
                                  include_tables=False, include_images=False,
                                  date_extraction_params={"extensive_search": False, "original_date": True})
        root = etree.fromstring(xml.encode("utf-8")) if xml else None
    except Exception as exc:  # the parser's own errors vary with the damage
        raise DocumentError(f"cannot read the web page {path} ({exc}); save the page again from the browser, "
                            "or paste the article into a .txt file") from None
    blocks: list[tuple[str, str]] = []
    for element in root.find("main") if root is not None else ():
        if element.tag == "head":
            blocks.append(("heading", "".join(element.itertext())))
        elif element.tag == "list":
            blocks += [("paragraph", "".join(item.itertext())) for item in element.iter("item")]
        elif element.tag in ("p", "quote", "code"):
            blocks.append(("paragraph", "".join(element.itertext())))
    if not any(kind == "paragraph" and text.strip() for kind, text in blocks):
        raise DocumentError(f"no article text found in the web page {path}; save the article's own page (not a "
                            "home or list page), or paste the article into a .txt file")
    date = root.get("date") or ""
    return _compose(root.get("title") or "", date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else "", blocks)


_FINAL = ".!?…:;\"'”’»)"
_PAGE_NUMBER = re.compile(r"(?:\d{1,4}|-\s*\d{1,4}\s*-|\d{1,4}\s*/\s*\d{1,4})")


def _pdf_blocks(lines: list[str]) -> list[tuple[str, str]]:
    """Lines of a PDF's text joined into paragraphs: a paragraph ends at a line clearly shorter than
    the page's lines, and at a blank line; a short line without final punctuation after the end of
    a sentence is a heading. Words broken with a hyphen at a line end are joined again."""
    lines = [_one_line(line) for line in lines]
    lengths = sorted(len(line) for line in lines if line)
    full = 0.7 * lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0
    blocks: list[tuple[str, str]] = []
    current: list[str] = []

    def flush():
        if current:
            text = " ".join(current)
            short = len(current) == 1 and len(text) <= MAX_HEADING_CHARS and text[-1] not in _FINAL
            blocks.append(("heading" if short else "paragraph", text))
            current.clear()

    for line in lines:
        if not line or _PAGE_NUMBER.fullmatch(line):
            flush()
            continue
        if current and len(line) < full and line[-1] not in _FINAL and current[-1][-1] in _FINAL:
            flush()  # a heading after the end of a paragraph
        if current and len(current[-1]) > 1 and current[-1][-1] == "-" and current[-1][-2].isalpha() \
                and line[0].islower():
            current[-1] = current[-1][:-1] + line  # "anlaş-" + "ması imzalandı." -> "anlaşması imzalandı."
        else:
            current.append(line)
        if len(line) < full:
            flush()
    flush()
    return blocks


def _extract_pdf(data: bytes, path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    quiet = logging.getLogger("pypdf")  # its warnings about damage would print beside our one-line error
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError
        # Pages run on: a paragraph may continue on the next page (page numbers are dropped).
        lines = [line for page in reader.pages for line in (page.extract_text() or "").splitlines()]
        title = (reader.metadata.title if reader.metadata else None) or ""
    except FileNotDecryptedError:
        raise DocumentError(f"{path} is a password-protected PDF; save an unprotected copy to index it") from None
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise DocumentError(f"{path} is not a readable PDF ({type(exc).__name__}: {exc}); export it again, or "
                            "paste its text into a .txt file") from None
    finally:
        quiet.setLevel(level)
    if not any(line.strip() for line in lines):
        raise DocumentError(f"{path} has no text layer (a scanned image?); run OCR on it (e.g. `ocrmypdf`) or "
                            "paste its text into a .txt file")
    if re.match(r"(?i)microsoft word - |untitled\b", title) or title.lower().endswith((".doc", ".docx", ".pdf")):
        title = ""  # a file name, not the article's title
    return _compose(str(title), "", _pdf_blocks(lines))


def _extract_docx(data: bytes, path: Path) -> str:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        title = document.core_properties.title or ""
        blocks: list[tuple[str, str]] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                seen = set()
                for row in item.rows:
                    for cell in row.cells:
                        if id(cell._tc) not in seen:  # a merged cell is listed once per column it spans
                            seen.add(id(cell._tc))
                            blocks += [("paragraph", p.text) for p in cell.paragraphs]
                continue
            style = (item.style.name if item.style is not None else "") or ""
            if style == "Title":
                title = title or item.text
                blocks.append(("heading", item.text))
            elif style.startswith("Heading"):
                blocks.append(("heading", item.text))
            else:
                blocks.append(("paragraph", item.text))
    except Exception as exc:  # python-docx and zipfile raise many kinds on damaged files
        raise DocumentError(f"{path} is not a readable .docx file ({type(exc).__name__}: {exc}); open it and "
                            "save it again as .docx, or paste its text into a .txt file") from None
    return _compose(title, "", blocks)


_EXTRACTORS = {"html": _extract_html, "pdf": _extract_pdf, "docx": _extract_docx}


def extract_text(data: bytes, path: Path, kind: str) -> str:
    """The seed-format text of a file's bytes; ``kind`` is what :func:`content_type` said."""
    return _decode(data, path) if kind == "text" else _EXTRACTORS[kind](data, path)


# -- corpus folders ------------------------------------------------------------------------------


def _unsupported(path: Path) -> str:
    hint = {".doc": "; save it as .docx", ".rtf": "; save it as .docx", ".odt": "; save it as .docx"}
    return f"unsupported file type {path.suffix or '(none)'!r}{hint.get(path.suffix.lower(), '')}"


def _scan_folder(root: Path) -> list[Path]:
    """The indexable files under ``root``; what is skipped, and why, is named in a DocumentWarning.

    Symlinks pointing outside ``root`` and anything not a regular file (FIFOs, devices, sockets) are
    skipped without being opened; hidden files and folders (names starting with '.') are ignored.
    """
    base = root.resolve()
    found: list[Path] = []
    unsupported: list[str] = []
    hidden = 0

    def skip(path: Path, why: str) -> None:
        warnings.warn(f"{path} not indexed: {why}", DocumentWarning, stacklevel=4)

    for folder, dirnames, filenames in os.walk(root):
        for name in list(dirnames):
            path = Path(folder, name)
            if name.startswith("."):
                hidden += 1
                dirnames.remove(name)
            elif path.is_symlink():  # os.walk does not follow it; inside root, its files are found anyway
                target = path.resolve()
                if not target.is_relative_to(base):
                    skip(path, f"a symlink to {target}, outside the corpus folder {root}")
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(folder, name)
            if name.startswith("."):
                hidden += 1
                continue
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    skip(path, "a broken symlink")
                    continue
                if not target.is_relative_to(base):
                    skip(path, f"a symlink to {target}, outside the corpus folder {root}")
                    continue
            try:
                mode = os.stat(path).st_mode
                if not stat.S_ISREG(mode):
                    skip(path, "not a regular file (a FIFO, device or socket)")
                    continue
                kind = content_type(path)
            except OSError as exc:
                skip(path, f"cannot read it ({exc.strerror})")
                continue
            if kind is None:
                unsupported.append(f"{path} ({_unsupported(path)})")
            else:
                found.append(path)
    if unsupported:
        listed = ", ".join(unsupported[:20]) + (f" and {len(unsupported) - 20} more" if len(unsupported) > 20 else "")
        warnings.warn(f"{len(unsupported)} file(s) in {root} not indexed, only {FORMATS} are: {listed}",
                      DocumentWarning, stacklevel=3)
    if hidden:
        warnings.warn(f"{hidden} hidden file(s) or folder(s) in {root} ignored (names starting with '.')",
                      DocumentWarning, stacklevel=3)
    return found


def find_sources(paths: list[Path]) -> list[Path]:
    """The indexable files named, or found under the folders named, sorted.

    A file named explicitly that cannot be indexed is an error; one found in a folder is skipped
    with a :class:`DocumentWarning` naming it.
    """
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(_scan_folder(path))
        elif path.exists():
            try:
                if not stat.S_ISREG(os.stat(path).st_mode):
                    raise DocumentError(f"{path} is not a regular file (a FIFO, device or socket); "
                                        "name a document file")
                kind = content_type(path)
            except OSError as exc:
                raise DocumentError(f"cannot read {path}: {exc.strerror}") from None
            if kind is None:
                raise DocumentError(f"{path}: {_unsupported(path)}; use {FORMATS}")
            found.append(path)
        else:
            raise DocumentError(f"file not found: {path}")
    if not found:
        raise DocumentError(f"no indexable files ({FORMATS}) in {', '.join(map(str, paths))}")
    unique: dict[Path, Path] = {}
    for path in sorted(found, key=str):
        unique.setdefault(path.resolve(), path)  # a symlink inside the folder and its target: once
    return list(unique.values())


def load_document(path: Path) -> Document:
    """The one entry for every format: read the file, pick the extractor by content, parse."""
    path = Path(path)
    data = _read_bytes(path)
    kind = content_type(path, data)
    if kind is None:
        raise DocumentError(f"{path}: {_unsupported(path)}; use {FORMATS}")
    text = extract_text(data, path, kind)
    if not text.strip():
        raise DocumentError(f"{path} is empty; add some text to it")
    doc = parse_document(text, str(path))
    doc.kind, doc.raw_sha256 = kind, hashlib.sha256(data).hexdigest()
    doc.text_path = str(path) if kind == "text" else ""
    if not any(s.kind == "body" for s in doc.sentences):
        raise DocumentError(f"{path} has no sentences to index (only headings?)")
    return doc
