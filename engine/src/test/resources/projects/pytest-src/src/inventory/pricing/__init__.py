from .discounts import bulk_discount, seasonal_discount  # noqa: F401
