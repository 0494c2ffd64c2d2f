from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    unit_price: float
    quantity: int = 0

    def __post_init__(self):
        if not self.sku:
            raise ValueError("an item needs a SKU")
        if self.unit_price < 0:
            raise ValueError("a price cannot be negative")

    def value(self):
        return self.unit_price * self.quantity

    def restocked(self, amount):
        if amount <= 0:
            raise ValueError("restock by a positive amount")
        return Item(self.sku, self.name, self.unit_price, self.quantity + amount)
