"""The published JSON Schema of the machine-readable contract."""
