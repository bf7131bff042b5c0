"""Great-circle distance between Parse GeoPoint values."""

import math

EARTH_RADIUS_KM = 6371.0


def distance_km(a, b):
    """Haversine distance in km between two GeoPoint JSON values (None if either is missing)."""
    if not a or not b:
        return None
    lat1, lon1 = math.radians(a["latitude"]), math.radians(a["longitude"])
    lat2, lon2 = math.radians(b["latitude"]), math.radians(b["longitude"])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
