"""Rule data files (calendar, patterns, keyword tables), read with importlib.resources."""
