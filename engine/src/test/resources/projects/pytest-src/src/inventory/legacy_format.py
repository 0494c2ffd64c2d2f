"""Imported only by legacy_export (an orphan reachable only through an orphan)."""


def header():
    return "<items>"


def footer():
    return "</items>"
