"""Checks against the digitization standard, Decree 30/2020 format and personnel rules."""
