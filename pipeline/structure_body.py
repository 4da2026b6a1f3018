"""The operative part of a document for the structure parser: the legal grounds ("Căn cứ …",
"Xét đề nghị …") and the numbered articles ("Điều 1. …") of the body."""
from __future__ import annotations

from pipeline import vietnamese as vn
from pipeline.model import Article
from pipeline.structure_text import Line, Rules, is_upper, to_int


def _one_line(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


def find_grounds(body: list[Line], r: Rules) -> list[str]:
    """Each "Căn cứ …" / "Xét đề nghị …" before the first article, its wrapped lines joined; one
    ends at its ";", ".", ":" or at an upper-case heading."""
    grounds: list[str] = []
    current: list[str] = []
    for line in body:
        f = line.fold
        if r.article.match(f) or r.operative.match(f):
            break
        if r.ground.match(f):
            if current:
                grounds.append(_one_line(current))
            current = [line.text]
        elif current and not is_upper(line.text) and not r.kinh_gui.match(f):
            current.append(line.text)
        elif current:
            grounds.append(_one_line(current))
            current = []
        if current and current[-1].rstrip().endswith((";", ".", ":")):
            grounds.append(_one_line(current))
            current = []
    if current:
        grounds.append(_one_line(current))
    return grounds


def find_articles(body: list[Line], r: Rules) -> tuple[list[Article], float]:
    """"Điều 1.", "Điều 2." … numbered in sequence (so a body line citing "Điều 9" is not one)."""
    articles: list[Article] = []
    current: tuple[int, list[str]] | None = None
    quality = 1.0
    for line in body:
        m = r.article.match(line.fold)
        if m and line.fold[m.end() - 1] not in ".:" and not line.text[m.end():].lstrip()[:1].isupper():
            m = None  # "Điều 2 và Điều 3 …" wrapped onto a line start cites articles, opens none
        number, exact = to_int(m.group("n"), r) if m else (None, True)
        if m and number == len(articles) + (current is not None) + 1:
            if current:
                articles.append(Article(current[0], "\n".join(current[1]).strip()))
            current = (number, [line.text[m.end():].lstrip(" .:")])
            quality = min(quality, vn.match_quality(line.text[:m.end("kw")], r.keywords["article"]),
                          1.0 if exact else r.digit_score)
        elif current:
            current[1].append(line.text)
    if current:
        articles.append(Article(current[0], "\n".join(current[1]).strip()))
    return articles, quality
