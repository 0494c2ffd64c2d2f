"""Discount rules. A docstring that mentions import os must not count as an import."""
from ..model import Item


def bulk_discount(item: Item) -> float:
    if item.quantity >= 100:
        return 0.15
    elif item.quantity >= 10:
        return 0.05
    return 0.0


def seasonal_discount(month: int, clearance: bool = False) -> float:
    if month < 1 or month > 12:
        raise ValueError("month must be 1..12")
    if clearance:
        return 0.30
    if month in (11, 12):
        return 0.10
    return 0.0


def price(item: Item, month: int) -> float:
    rate = max(bulk_discount(item), seasonal_discount(month))
    total = item.value() * (1 - rate)
    return round(total, 2)
