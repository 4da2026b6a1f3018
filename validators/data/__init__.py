"""Rule data for the validators (TOML), read with importlib.resources; each file carries a version."""
