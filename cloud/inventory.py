"""Parts stock: quantity never below zero, `available` derived from it, technicians only take parts.

A save that would leave `quantity` negative is refused (142), whether it sets a value or
decrements with Increment. `available` is set to `quantity > 0` on every save. Dispatchers and
managers change stock freely; a technician may only lower `quantity` (take parts) and set `job`
(reserve parts for a visit).

The check reads the stored quantity before the write: two technicians taking the last unit at
the same instant can both pass it (as with a beforeSave in Parse Server).
"""

from parse_clone.cloud import Cloud

from ._access import changed_keys, forbidden, invalid, is_staff

cloud = Cloud()


@cloud.before_save("PartsInventory")
def guard_stock(req):
    """Quantity >= 0, available = quantity > 0, and what a technician may change."""
    part, original = req.object, req.original
    quantity = part.get("quantity", 0)
    if isinstance(quantity, bool) or not isinstance(quantity, (int, float)):
        raise invalid("quantity must be a number")
    if quantity < 0:
        in_stock = original.get("quantity", 0) if original is not None else 0
        raise invalid(f"Not enough {part.get('partName') or 'parts'} in stock ({in_stock} left)")
    if not is_staff(req) and original is not None:
        changed = changed_keys(part, original) - {"available"}
        if changed - {"quantity", "job"}:
            raise forbidden("A technician can only take parts from stock or reserve them for a job")
        if "quantity" in changed and quantity > original.get("quantity", 0):
            raise forbidden("Only a dispatcher or a manager can add stock")
    if part.get("available") != (quantity > 0):
        part["available"] = quantity > 0
