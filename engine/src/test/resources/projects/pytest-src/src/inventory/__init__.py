"""A small stock-keeping library: items, pricing rules and storage."""

from .model import Item

__all__ = ["Item"]
