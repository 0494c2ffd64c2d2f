def encode(items):
    lines = []
    for item in items:
        if "," in item.name:
            name = '"' + item.name + '"'
        else:
            name = item.name
        lines.append(f"{item.sku},{name},{item.unit_price},{item.quantity}")
    return "\n".join(lines)
