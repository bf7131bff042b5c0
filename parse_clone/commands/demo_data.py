"""The demo data set: a home-medical-equipment service in Chicago, one day of visits.

Coordinates are real neighbourhoods, so "nearest" means something on a map.
"""

from __future__ import annotations

PASSWORD = "homehealth"

# username -> (role, full name)
PEOPLE = {
    "dana": ("dispatcher", "Dana Whitfield"),
    "morgan": ("manager", "Morgan Reyes"),
    "alex": ("technician", "Alex Kowalski"),
    "sam": ("technician", "Sam Okafor"),
    "riley": ("technician", "Riley Nguyen"),
    "jordan": ("technician", "Jordan Price"),
    "casey": ("technician", "Casey Lindqvist"),
}

# username -> (neighbourhood, latitude, longitude, availability)
TECHNICIANS = {
    "alex": ("Lincoln Park", 41.9214, -87.6513, "available"),
    "sam": ("Hyde Park", 41.7943, -87.5907, "available"),
    "riley": ("Wicker Park", 41.9088, -87.6796, "available"),
    "jordan": ("Pilsen", 41.8558, -87.6564, "off_duty"),
    "casey": ("Rogers Park", 42.0106, -87.6696, "available"),
}

# (description, address, latitude, longitude, hour UTC, technician or None, final status)
JOBS = [
    ("Oxygen concentrator: replace the HEPA filter, check flow rate", "2550 N Milwaukee Ave (Logan Square)",
     41.9270, -87.7060, 15, None, "open"),
    ("Hospital bed: head section motor does not lift", "3600 S King Dr (Bronzeville)",
     41.8275, -87.6170, 16, None, "open"),
    ("Power wheelchair: battery does not hold a charge", "2700 S Kedzie Ave (Little Village)",
     41.8430, -87.7050, 19, None, "open"),
    ("Stair lift: annual safety inspection", "4800 N Broadway (Uptown)",
     41.9690, -87.6590, 14, "casey", "assigned"),
    ("CPAP: humidifier chamber leaking", "1400 W Morse Ave (Rogers Park)",
     42.0080, -87.6650, 18, "casey", "assigned"),
    ("Patient lift: sling hook worn, replace and test", "5500 S Hyde Park Blvd (Hyde Park)",
     41.7950, -87.5850, 13, "sam", "completed"),
]

# (part, quantity)
PARTS = [
    ("HEPA filter, oxygen concentrator", 12),
    ("Nasal cannula, adult", 40),
    ("Bed actuator motor", 2),
    ("Wheelchair battery 12V 35Ah", 0),
    ("CPAP water chamber", 5),
    ("Stair lift seat belt", 3),
    ("Patient lift sling hook", 4),
]

SERVICE_NOTE = "Replaced the sling hook, load-tested to 150 kg, showed the caregiver the daily check."

# What `demo reset` empties, in this order: a Job's afterDelete still finds its technician.
WIPED_CLASSES = ("ServiceLog", "PartsInventory", "Job", "Technician")
