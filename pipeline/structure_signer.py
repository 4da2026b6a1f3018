"""The end of a document for the structure parser: the signer block, recipients and attachments.

The block is two columns — "Nơi nhận:" with its list on the left, the authority line (KT. / TM. /
Q. / TL. / TUQ.), the title and the signer's name on the right — which arrive in either order or
interleaved line by line, so each line is classified on its own: list items start with a dash,
authority lines with a prefix, titles are upper case, the name is a line of capitalised syllables.
Attachments ("DANH SÁCH …" / "(Kèm theo Quyết định số …)") follow the block and end the main text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline import vietnamese as vn
from pipeline.structure_text import NOISE_PENALTY, Line, Rules, is_upper, trim_noise, was_trimmed

NAME_AFTER_TITLE = 8  # the name sits at most this many lines below the title (seal, signature)
PLAIN_SIGNER_WINDOW = 15  # lines searched upwards from the end for a block with no prefix and no list


@dataclass
class Signer:
    authority: str | None = None
    authority_line: str | None = None
    title: str | None = None
    name: str | None = None
    recipients: list[str] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)


def authority_of(line: Line, r: Rules) -> tuple[str, re.Match[str]] | None:
    """The standard prefix ("KT.") of an authority line such as "KT. GIÁM ĐỐC", else None."""
    for pattern in r.authority:
        m = pattern.match(line.fold)
        if m and is_upper(line.text[m.start("rest"):]):
            return r.authority_prefix[m.group("kw")], m
    return None


def find_zone(lines: list[Line], start: int, r: Rules
              ) -> tuple[int | None, int, list[tuple[str, float]]]:
    """(where the signer block starts or None, where the main text ends, attachment headings)."""
    anchor = None
    for idx in range(start, len(lines)):
        if r.noi_nhan.match(lines[idx].fold) or authority_of(lines[idx], r):
            anchor = idx
            break
    attachments, main_end = _attachments(lines, start if anchor is None else anchor, r)
    if anchor is None:
        anchor = _plain_signer(lines, start, main_end, r)
    elif r.noi_nhan.match(lines[anchor].fold):
        # right column first: a title and name with no prefix may sit just above "Nơi nhận"
        above = _plain_signer(lines, max(start, anchor - 6), anchor, r)
        anchor = anchor if above is None else above
    return anchor, main_end, attachments


def _attachments(lines: list[Line], start: int, r: Rules) -> tuple[list[tuple[str, float]], int]:
    found: list[tuple[str, float]] = []
    main_end, idx = len(lines), start
    while idx < len(lines):
        line = lines[idx]
        if not (r.attachment_head.match(line.fold) and is_upper(line.text)):
            idx += 1
            continue
        ref = next((j for j in range(idx, min(idx + 6, len(lines)))
                    if r.attachment_ref.search(lines[j].fold)), None)
        if ref is None:
            idx += 1
            continue
        end = ref
        while ("(" in lines[ref].text and end + 1 < len(lines) and end - ref < 3
               and ")" not in " ".join(x.text for x in lines[ref:end + 1])):
            end += 1  # "(Kèm theo … ngày …" wraps onto the next line
        m = r.attachment_ref.search(lines[ref].fold)
        quality = vn.match_quality(lines[ref].text[m.start():m.end()].strip("( "), r.keywords["attachment"])
        text = " ".join(" ".join(x.text for x in lines[idx:end + 1]).split())
        found.append((text, quality * min(x.conf for x in lines[idx:end + 1])))
        main_end = min(main_end, idx)
        idx = end + 1
    return found, main_end


def _plain_signer(lines: list[Line], start: int, end: int, r: Rules) -> int | None:
    """A block with neither "Nơi nhận" nor a prefix: an upper-case title right above a name."""
    for idx in range(end - 1, max(start, end - PLAIN_SIGNER_WINDOW) - 1, -1):
        if name_like(lines[idx].text, r) is None:
            continue
        for above in range(idx - 1, max(start, idx - 4) - 1, -1):
            text = lines[above].text
            if is_upper(text) and r.title_words.search(vn.canonical(text).lower()):
                return above
    return None


def name_like(text: str, r: Rules) -> tuple[str, float] | None:
    """(name, certainty) when `text` is shaped like a person's name, degrees and "Ông/Bà" removed."""
    words = text.split()
    while words and vn.fold(words[0]).rstrip(".") in r.name_prefixes:
        words = words[1:]
    if 2 <= len(words) <= 6 and (family := _lost_first_letter(words, r)) is not None:
        return " ".join([family, *words[1:]]), MENDED_FAMILY
    if not 2 <= len(words) <= 6 or not all(w.isalpha() and vn.is_syllable(w) for w in words):
        return None
    if sum(len(w) > 1 for w in words) < 2:
        return None  # "Ậ Í": seal or signature strokes read as letters
    known = 1.0 if vn.fold(words[0]) in r.surnames else 0.85
    if all(w[0].isupper() and w[1:] == w[1:].lower() for w in words):
        return _family_spelled(words, known, r)
    if (all(w.isupper() for w in words) and vn.fold(words[0]) in r.surnames
            and not r.title_words.search(vn.canonical(text).lower())):
        return _family_spelled([w[0] + w[1:].lower() for w in words], 0.85, r)
    return None


# The certainty of a name whose family name was mended: below an unknown family name read whole
# (0.85), as a guess from what a stroke left of it.
MENDED_FAMILY = 0.8 * 0.85


def _lost_first_letter(words: list[str], r: Rules) -> str | None:
    """The family name where a seal or signature stroke took or added its first letter, the given
    names read whole: "rần Tuấn Nam", "⁄ê Tấn Thịnh", "È Hữu Việt" (only one family name ends in
    what is left: Trần, Lê; "a" could be Hà, La or Lã, and is left alone), "'Trần Thanh Toàn",
    "THoàng Minh Anh" (a mark glued to a family name read whole)."""
    first, given = words[0], words[1:]
    if not all(w.isalpha() and w[0].isupper() and w[1:] == w[1:].lower() and vn.is_syllable(w) for w in given):
        return None
    if first.isalpha() and first[0].isupper() and first[1:] == first[1:].lower() and len(first) > 1:
        return None  # a word read whole: the ordinary path spells it
    for glued in (first.lstrip("'‘’`\"\u201c\u201d.,:;|/\\⁄"), first[1:]):
        if glued[:1].isupper() and glued[1:] == glued[1:].lower() and glued.isalpha() and vn.fold(glued) in r.surnames:
            return r.surname_spellings.get(vn.fold(glued))
    letters = "".join(ch for ch in first if ch.isalpha())
    junk = first[:len(first) - len(letters)] if first.endswith(letters) else None
    if not letters or junk is None or not (junk or letters[0].islower() or len(letters) == 1):
        return None  # letters broken by other marks, or a word of its own
    rest = vn.fold(letters)
    families = {name for name in r.surnames if name[1:] == rest}
    if len(families) != 1:
        return None
    return r.surname_spellings.get(families.pop())


def _family_spelled(words: list[str], certainty: float, r: Rules) -> tuple[str, float]:
    """The name with its family name spelled as the family name it can only be: OCR misreads tone
    marks ("Đỉnh Văn Nghĩa" for Đinh), and the family names are few and distinct once folded
    (the same repair as extractors.names for the people a decision is about). Given and middle
    names are never changed: any syllable can be one. A repaired name is a little less certain."""
    proper = r.surname_spellings.get(vn.fold(words[0]))
    if proper is not None and proper != vn.canonical(words[0]):
        return " ".join([proper, *words[1:]]), certainty * 0.9
    return " ".join(words), certainty


@dataclass
class _Zone:
    authorities: list[tuple[int, str, Line, re.Match[str]]] = field(default_factory=list)
    titles: list[tuple[int, Line, float]] = field(default_factory=list)
    names: list[tuple[int, str, float, Line]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    list_quality: float = 0.0


_TERMINATOR = re.compile(r"[;.:]\s+")
_ENDED = re.compile(r";|\.(?:\s|$)")  # a list item is over at its ";" or final "."


def _split_columns(line: Line, r: Rules) -> list[Line]:
    """Undo OCR joining the columns: "Nơi nhận: KT. GIÁM ĐỐC", "- Như Điều 3; PHÓ GIÁM ĐỐC"."""
    for m in r.authority_inline.finditer(line.fold):
        if m.start() > 0 and is_upper(line.text[m.start():]):
            return [p for p in (line.part(0, m.start()), line.part(m.start())) if p]
    head = r.noi_nhan.match(line.fold)
    if head and line.part(head.end()) and not r.recipient_item.match(line.fold[head.end():]):
        return [p for p in (line.part(0, head.end()), line.part(head.end())) if p]
    if head or r.recipient_item.match(line.fold):
        for m in reversed(list(_TERMINATOR.finditer(line.text))):
            tail = line.text[m.end():]
            titled = is_upper(tail) and r.title_words.search(vn.canonical(tail).lower())
            if titled or name_like(tail, r):
                return [p for p in (line.part(0, m.end()), line.part(m.end())) if p]
    return [line]


def _classify(zone: list[Line], r: Rules) -> _Zone:
    z, in_list = _Zone(), False
    zone = [part for line in zone for part in _split_columns(line, r)]
    for i, line in enumerate(zone):
        f = line.fold
        m = r.noi_nhan.match(f)
        if m:
            in_list = True
            z.list_quality = vn.match_quality(line.text[:m.end("kw")], r.keywords["recipients"]) * line.conf
            rest = line.part(m.end())
            if rest:
                z.items.append(rest.text)
        elif r.recipient_item.match(f) and (name := _dashed_name(i, line, z, r)) is not None:
            z.names.append((i, name[0], 0.9 * name[1], line))  # a signature stroke read as a dash
        elif r.recipient_item.match(f):
            z.items.append(line.text)
        elif (found := authority_of(line, r)) is not None:
            z.authorities.append((i, found[0], line, found[1]))
        elif r.signed_note.match(f):
            continue
        elif (name := name_like(line.text, r)) is not None:
            z.names.append((i, name[0], name[1], line))
        elif in_list and r.recipient_plain.match(f):
            z.items.append(line.text)
        elif is_upper(line.text) and (trimmed := trim_noise(line)) is not None:
            z.titles.append((i, trimmed, NOISE_PENALTY if was_trimmed(line, trimmed) else 1.0))
        elif in_list and z.items and line.text[:1].islower() and not _ENDED.search(z.items[-1]):
            z.items[-1] += " " + line.text  # a list item wrapped onto the next line
    return z


def _dashed_name(i: int, line: Line, z: _Zone, r: Rules) -> tuple[str, float] | None:
    """ "-Châu Quốc An" under the title: the signer's name behind a stroke of the signature that
    OCR read as a dash — not a recipient: it has no ";" or "." to end it, no "Ông/Bà", and it comes
    after the authority or title line."""
    if not any(at < i for at, *_ in z.authorities) and not any(at < i for at, *_ in z.titles):
        return None
    rest = line.text[r.recipient_item.match(line.fold).end():].strip()
    words = rest.split()
    if not words or rest.endswith((";", ".")) or vn.fold(words[0]) not in r.surnames:
        return None
    return name_like(rest, r)


def _clean_item(text: str, r: Rules) -> str:
    """An item without its dash and final ";" or "." — nor what OCR read beside it after that
    (seal and signature strokes: "- Như Điều 3; < “")."""
    m = r.recipient_item.match(text)
    text = " ".join((text[m.end():] if m else text).split())
    end = text.rfind(";")
    if end < 0 and (dot := text.rfind(".")) >= 0:
        tail = text[dot + 1:].split()
        end = dot if not any(len(w) > 1 and vn.is_syllable(w) for w in tail) else -1
    return (text[:end] if end >= 0 else text).rstrip(" ;,.")


def parse_signer(zone: list[Line], r: Rules) -> Signer:
    z = _classify(zone, r)
    s = Signer(recipients=[c for c in (_clean_item(x, r) for x in z.items) if c])
    conf = s.confidence
    conf["recipients"] = (z.list_quality or 0.7 * zone[0].conf) if s.recipients else 0.0
    after = -1
    if z.authorities:
        after, s.authority, line, m = z.authorities[-1]
        s.authority_line = " ".join(line.text.split())
        exact = line.text[m.end("kw"):m.end("kw") + 1] == "." and "/" not in m.group("kw")
        conf["signer_authority"] = conf["signer_authority_line"] = line.conf * (1.0 if exact else 0.9)
    # a title names a post ("PHÓ GIÁM ĐỐC"); other upper-case text here is seal or stroke noise
    titles = [t for t in z.titles
              if t[0] > after and r.title_words.search(vn.canonical(t[1].text).lower())]
    title_at = None
    if titles:
        title_at, line, clean = titles[0]
        s.title, quality = vn.title_case_scored(_unbroken(line.text), capitalize_unknown=False)
        conf["signer_title"] = quality * clean * line.conf
        if s.authority == "KT." and (deputy := _deputy_title(line.text, z.authorities[-1], r)):
            s.title, conf["signer_title"] = deputy, 0.8 * conf["signer_title"]
    elif s.authority == "Q." and z.authorities:
        rest = z.authorities[-1][3].start("rest")
        acting = vn.title_case(z.authorities[-1][2].text[rest:], capitalize_unknown=False)
        s.title = f"{r.keywords['acting']} {acting}"
        conf["signer_title"] = 0.8 * z.authorities[-1][2].conf
    _pick_name(s, z, title_at if title_at is not None else after)
    for key in ("signer_authority", "signer_authority_line", "signer_title", "signer_name"):
        conf.setdefault(key, 0.0)
    return s


def _unbroken(title: str) -> str:
    """ "P.HÓ CHỦ TỊCH" → "PHÓ CHỦ TỊCH": a dot between two capitals is a speck, not a full stop."""
    return re.sub(r"(?<=[^\W\d_])\.(?=[^\W\d_])",
                  lambda m: "" if m.string[m.start() - 1].isupper() and m.string[m.end()].isupper() else ".", title)


def _deputy_title(text: str, authority: tuple[int, str, Line, re.Match[str]], r: Rules) -> str | None:
    """The deputy's title under "KT. <post>" where OCR lost or broke its first word: the title
    line reads as the post itself, or a scrap of "PHÓ" (any word no longer than it) and the post.
    None when it reads otherwise."""
    line, m = authority[2], authority[3]
    post = vn.fold(line.text[m.start("rest"):]).split()
    words = vn.fold(_unbroken(text)).split()
    deputy = vn.fold(r.keywords["deputy"])
    if not post or words[:1] == [deputy]:
        return None  # read right, or nothing to go by
    # "HA GIÁM ĐỐC": "PHÓ" read as a scrap of two or three letters; under "KT." it can be nothing else
    scrap = len(words) == len(post) + 1 and words[1:] == post and len(words[0]) <= len(deputy)
    if words == post or scrap:
        return vn.title_case(f"{r.keywords['deputy'].upper()} {line.text[m.start('rest'):]}", capitalize_unknown=False)
    return None


def _pick_name(s: Signer, z: _Zone, after: int) -> None:
    if after >= 0:
        names = [n for n in z.names if after < n[0] <= after + NAME_AFTER_TITLE]
        certainty = 1.0
    else:
        names, certainty = z.names, 0.7
    if names:
        _, s.name, quality, line = names[-1]
        s.confidence["signer_name"] = quality * certainty * line.conf
