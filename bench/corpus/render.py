"""The renderers, one per file kind: each `render_X(spec, path, **options) -> Path`.

- `render_docx(spec, path, header="table"|"tabs")`
- `render_pdf(spec, path)` — born-digital text PDF
- `render_scan(spec, path, dpi=, mode=, skew=, noise=, blur=, jpeg_quality=, seal=, signature=,
  rotate=, seed=)` — scanned PDF whose true dpi = pixels / page inches
- `render_photo(spec, path, base_dpi=, tilt=, light=, exif_dpi=, seed=)` — JPG/PNG of page 1
"""
from bench.corpus.render_docx import render_docx
from bench.corpus.render_pdf import render_pdf
from bench.corpus.render_photo import render_photo
from bench.corpus.render_scan import render_scan

__all__ = ["render_docx", "render_pdf", "render_photo", "render_scan"]
