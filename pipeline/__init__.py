"""Reading decisions: the domain model, errors, intake, loaders, OCR, structure, calendar (no imports here, to stay light)."""
