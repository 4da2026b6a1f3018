"""Personnel events extracted from decisions, person by person."""
