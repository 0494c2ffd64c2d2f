import pytest

from inventory import Item


@pytest.fixture
def widget():
    return Item("W-1", "widget", 2.5, 40)
