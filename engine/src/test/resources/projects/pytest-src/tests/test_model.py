import pytest

from inventory.model import Item


def test_value(widget):
    assert widget.value() == 100.0


def test_restock_adds(widget):
    assert widget.restocked(10).quantity == 50


def test_restock_rejects_zero(widget):
    with pytest.raises(ValueError):
        widget.restocked(0)


def test_needs_sku():
    with pytest.raises(ValueError):
        Item("", "nameless", 1.0)


def test_rounding_is_exact(widget):
    # fails on purpose: 0.1 + 0.2 is not 0.3 in binary floating point
    assert 0.1 + 0.2 == 0.3
