"""Entry points: the sohoa command line, settings, and (later) the web app."""
