from inventory import Item
from inventory.storage.warehouse import Warehouse


def test_add_and_take():
    w = Warehouse()
    w.add(Item("A", "apple", 0.5, 10))
    w.add(Item("A", "apple", 0.5, 5))
    assert w.take("A", 12) is True
    assert w.take("A", 12) is False
    assert w.total_value() == 1.5


def test_dump():
    w = Warehouse()
    w.add(Item("B", "bolt, steel", 0.1, 3))
    assert w.dump() == 'B,"bolt, steel",0.1,3'
