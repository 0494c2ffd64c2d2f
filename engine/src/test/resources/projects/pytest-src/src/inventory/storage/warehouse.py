from inventory.model import Item
from . import codec


class Warehouse:
    def __init__(self):
        self._items = {}

    def add(self, item: Item):
        current = self._items.get(item.sku)
        if current is None:
            self._items[item.sku] = item
        else:
            self._items[item.sku] = current.restocked(item.quantity)

    def take(self, sku, amount):
        item = self._items.get(sku)
        if item is None:
            raise KeyError(sku)
        if amount > item.quantity:
            return False
        self._items[sku] = Item(item.sku, item.name, item.unit_price, item.quantity - amount)
        return True

    def total_value(self):
        return sum(i.value() for i in self._items.values())

    def dump(self):
        return codec.encode(sorted(self._items.values(), key=lambda i: i.sku))
