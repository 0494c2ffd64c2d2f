"""The old XML export: no test imports it (an orphan)."""
import xml.sax.saxutils as saxutils

from .legacy_format import (
    header,
    footer,
)


def export(items):
    out = [header()]
    for item in items:
        if item.quantity:
            out.append("<item sku=%s/>" % saxutils.quoteattr(item.sku))
    out.append(footer())
    return "\n".join(out)
