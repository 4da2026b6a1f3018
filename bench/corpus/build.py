"""Write a corpus: `python -m bench.corpus.build OUT_DIR --n N --seed S --kinds docx,pdf,scan300`.

Each document is rendered once per kind; each file gets `<file>.truth.json` (spec.expected()
plus the kind, the render options, the page count and the full spec), and OUT_DIR gets a
`manifest.json`. Same arguments, same bytes. Kinds: docx, pdf, scan300, scan200, scan150,
scan100, photo. `--letter` adds the real letter 3647/SNV-VP in every kind. `--families` picks the
decisions: "personnel" (default, `make_specs`), or register families (`make_register_specs`:
organisation, local_government, awards, training; "registers" = all four).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench.corpus.generate import make_specs
from bench.corpus.letter import letter_spec
from bench.corpus.spec import DecisionSpec

KINDS = ("docx", "pdf", "scan300", "scan200", "scan150", "scan100", "photo")
CONTRACT_KIND = {"docx": "docx", "pdf": "text_pdf", "photo": "image"}
MODES = {300: [0.6, 0.25, 0.15], 200: [0.7, 0.3, 0.0], 150: [0.6, 0.25, 0.15], 100: [0.5, 0.5, 0.0]}


def file_name(doc_id: str, kind: str, options: dict) -> str:
    if kind in ("docx", "pdf"):
        return f"{doc_id}.{kind}"
    if kind == "photo":
        return f"{doc_id}.photo.{options['format']}"
    return f"{doc_id}.{kind}.pdf"


def page_count(spec: DecisionSpec) -> int:
    import pypdfium2 as pdfium

    from bench.corpus.render_pdf import build_pdf

    doc = pdfium.PdfDocument(build_pdf(spec)[0])
    try:
        return len(doc)
    finally:
        doc.close()


def _scan_options(spec: DecisionSpec, dpi: int, rng: random.Random) -> dict:
    pages = page_count(spec)
    rotate: list[list[int]] = []
    roll = rng.random()
    if roll < 0.10:
        rotate = [[min(2, pages), 180]]
    elif roll < 0.14:
        rotate = [[pages, 90]]
    skew = 0.0 if rng.random() < 0.2 else round(rng.choice([-1, 1]) * rng.uniform(0.5, 3.0), 2)
    return {"dpi": dpi, "mode": rng.choices(["color", "gray", "bilevel"], MODES[dpi])[0],
            "skew": skew, "noise": round(rng.uniform(2, 9), 1), "blur": round(rng.uniform(0.3, 1.0), 2),
            "jpeg_quality": rng.randint(45, 85), "seal": rng.random() < 0.9, "signature": True,
            "rotate": rotate, "seed": rng.randrange(2**31)}


def draw_options(spec: DecisionSpec, kind: str, seed: int) -> dict:
    """The render options of one file, drawn from its own seeded stream."""
    rng = random.Random(f"sohoa-render:{seed}:{spec.doc_id}:{kind}")
    if kind == "docx":
        return {"header": "tabs" if rng.random() < 0.3 else "table"}
    if kind == "pdf":
        return {}
    if kind == "photo":
        return {"format": "png" if rng.random() < 0.25 else "jpg",
                "exif_dpi": rng.choice([None, None, 72, 96]), "tilt": round(rng.uniform(0.02, 0.07), 3),
                "light": round(rng.uniform(0.2, 0.45), 2), "base_dpi": 200, "seed": rng.randrange(2**31)}
    return _scan_options(spec, int(kind.removeprefix("scan")), rng)


def render_one(spec: DecisionSpec, kind: str, options: dict, out_dir: Path) -> Path:
    from bench.corpus import render

    path = out_dir / file_name(spec.doc_id, kind, options)
    if kind == "docx":
        return render.render_docx(spec, path, **options)
    if kind == "pdf":
        return render.render_pdf(spec, path)
    if kind == "photo":
        opts = {k: v for k, v in options.items() if k != "format"}
        return render.render_photo(spec, path, **opts)
    opts = dict(options, rotate={p: d for p, d in options["rotate"]})
    return render.render_scan(spec, path, **opts)


def truth(spec: DecisionSpec, kind: str, options: dict, path: Path) -> dict:
    pages = None
    if path.suffix == ".pdf":
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        pages = len(doc)
        doc.close()
    elif kind == "photo":
        pages = 1
    out = spec.expected()
    out.update(doc_id=spec.doc_id, file=path.name, pages=pages,
               kind=CONTRACT_KIND.get(kind, "scanned_pdf"), render={"preset": kind, **options},
               partial=kind == "photo" and page_count(spec) > 1, spec=spec.to_dict())
    return out


def _job(args: tuple[DecisionSpec, str, int, str]) -> dict:
    spec, kind, seed, out = args
    options = draw_options(spec, kind, seed)
    path = render_one(spec, kind, options, Path(out))
    data = truth(spec, kind, options, path)
    truth_path = path.with_name(path.name + ".truth.json")
    truth_path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                          encoding="utf-8")
    return {"file": path.name, "truth": truth_path.name, "doc_id": spec.doc_id, "preset": kind,
            "kind": data["kind"], "pages": data["pages"],
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


LETTER_SCAN = {"dpi": 300, "mode": "color", "skew": 0.8, "noise": 3.0, "blur": 0.5, "jpeg_quality": 60,
               "seal": True, "signature": True, "rotate": [], "seed": 3647}


def write_letter_samples(out_dir: str | Path) -> list[Path]:
    """tests/samples/letter_3647.{docx,pdf,scan300.pdf} with their truth, from fixed options."""
    spec, out = letter_spec(), Path(out_dir)
    written = []
    for kind, options in (("docx", {"header": "table"}), ("pdf", {}), ("scan300", LETTER_SCAN)):
        path = render_one(spec, kind, options, out)
        data = truth(spec, kind, options, path)
        path.with_name(path.name + ".truth.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written


def specs_for(n: int, seed: int, families: tuple[str, ...] = ("personnel",)) -> list[DecisionSpec]:
    """The documents of a corpus: personnel decisions, or those of the register families."""
    from bench.corpus.registers import FAMILIES, make_register_specs

    if families == ("personnel",):
        return make_specs(n, seed)
    wanted = FAMILIES if families == ("registers",) else families
    return make_register_specs(n, seed, tuple(wanted))


def build(out_dir: str | Path, n: int, seed: int = 0, kinds: tuple[str, ...] = ("docx", "pdf", "scan300"),
          letter: bool = False, jobs: int = 1, families: tuple[str, ...] = ("personnel",)) -> dict:
    """Render n documents in each kind into out_dir; returns (and writes) the manifest."""
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    specs = specs_for(n, seed, families) + ([letter_spec()] if letter else [])
    work = [(spec, kind, seed, str(out)) for spec in specs for kind in kinds]
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            files = list(pool.map(_job, work))
    else:
        files = [_job(w) for w in work]
    manifest = {"generator": "bench.corpus", "version": 1, "seed": seed, "n": n,
                "kinds": list(kinds), "letter": letter, "files": files}
    if families != ("personnel",):
        manifest["families"] = list(families)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.corpus.build", description=__doc__.split("\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--kinds", default="docx,pdf,scan300")
    ap.add_argument("--letter", action="store_true", help="also render the real letter 3647/SNV-VP")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes")
    ap.add_argument("--families", default="personnel",
                    help="personnel (default), registers, or a comma list of organisation, "
                         "local_government, awards, training")
    ap.add_argument("--letter-samples", action="store_true",
                    help="only write letter_3647.{docx,pdf,scan300.pdf} with truth to OUT_DIR")
    args = ap.parse_args(argv)
    if args.letter_samples:
        for path in write_letter_samples(args.out_dir):
            print(path, file=sys.stderr)
        return 0
    start = time.perf_counter()
    manifest = build(args.out_dir, args.n, args.seed, tuple(k for k in args.kinds.split(",") if k),
                     args.letter, args.jobs, tuple(f for f in args.families.split(",") if f))
    pages = sum(f["pages"] or 0 for f in manifest["files"])
    print(f"{len(manifest['files'])} files, {pages} pages, {time.perf_counter() - start:.1f} s "
          f"-> {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
