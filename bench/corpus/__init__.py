"""A generator of realistic Vietnamese administrative documents with their ground truth.

`make_specs(n, seed)` draws `DecisionSpec`s (the truth of each document); the renderers in
`bench.corpus.render` turn a spec into DOCX, text PDF, scanned PDF or a phone photo; `letter_spec()`
is the real letter 3647/SNV-VP the project grew from; `python -m bench.corpus.build` writes a corpus
with one `*.truth.json` per file. Importing this package pulls in no rendering library.
"""
from bench.corpus.generate import make_specs
from bench.corpus.letter import letter_spec
from bench.corpus.spec import AttachedTable, DecisionSpec

__all__ = ["AttachedTable", "DecisionSpec", "letter_spec", "make_specs"]
