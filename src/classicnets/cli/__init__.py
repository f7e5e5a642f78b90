"""Thin command-line adapters: parse, call a library function, print."""
