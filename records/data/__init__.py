"""Rule and seed data of the records store (TOML), read with importlib.resources."""
