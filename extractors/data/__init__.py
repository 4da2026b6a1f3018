"""Rule data of the extractors (event triggers, positions, ngạch table, table headers, patterns).

Each file carries a `version`; bumping it lets documents read under an older rule set be re-read.
"""
