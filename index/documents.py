"""Documents to sentences and chunks, with exact offsets into each file's text.

The seed format: the first line is ``date YYYY-MM-DD <title>``, paragraphs are
separated by blank lines, and a short line without final punctuation is a
section heading (Markdown ``#`` headings work too). Headings become the
``section`` of the sentences under them; they are context, not answers.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from index.segment import split_sentences

SUFFIXES = (".txt", ".md", ".markdown")
MAX_HEADING_CHARS = 90

_HEADER = re.compile(r"[ \t\ufeff]*date[ \t]+(\d{4}-\d{2}-\d{2})[ \t]+(\S[^\n]*?)[ \t]*$", re.M)
_MD_HEADING = re.compile(r"#{1,6}[ \t]+")
_BLOCK = re.compile(r"[^\n]+(?:\n[ \t]*\S[^\n]*)*")


class DocumentError(ValueError):
    """A document could not be read; the message names the file and the fix."""


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


def read_text(path: Path) -> str:
    """The file's exact text (newlines untranslated, so offsets match the file)."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        raise DocumentError(f"file not found: {path}") from None
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{path} is not UTF-8 text (byte {exc.start}); convert it, e.g. "
            f"`iconv -f windows-1254 -t utf-8 {path}`"
        ) from None
    except IsADirectoryError:
        raise DocumentError(f"{path} is a directory, expected a text file") from None
    except OSError as exc:
        raise DocumentError(f"cannot read {path}: {exc.strerror}") from None


def find_sources(paths: list[Path]) -> list[Path]:
    """The .txt/.md files named, or found under the folders named, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.suffix.lower() in SUFFIXES and p.is_file())
        elif path.exists():
            if path.suffix.lower() not in SUFFIXES:
                raise DocumentError(f"{path}: unsupported file type {path.suffix!r}; use .txt or .md")
            found.append(path)
        else:
            raise DocumentError(f"file not found: {path}")
    if not found:
        raise DocumentError(f"no .txt or .md files in {', '.join(map(str, paths))}")
    return sorted(set(found), key=str)


def load_document(path: Path) -> Document:
    text = read_text(path)
    if not text.strip():
        raise DocumentError(f"{path} is empty; add some text to it")
    doc = parse_document(text, str(path))
    if not any(s.kind == "body" for s in doc.sentences):
        raise DocumentError(f"{path} has no sentences to index (only headings?)")
    return doc
