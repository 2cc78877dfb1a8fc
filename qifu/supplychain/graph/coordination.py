"""Which government level must coordinate a blocking supplier, from the plant's and the supplier's region
codes (GB/T 2260: two digits province, four digits prefecture-level city, six digits district or county).

- same district → the commissioner and the district (``district``);
- another district of the same city → the city's service task force (``city``);
- another city of the same province → the provincial economic department (``province``);
- another province → cross-province coordination through the province (``cross_province``).

Municipalities (11 Beijing, 12 Tianjin, 31 Shanghai, 50 Chongqing) are cities and provinces at once: their
XX01 (districts) and XX02 (counties) blocks are one city.
"""

from __future__ import annotations

DISTRICT = "district"
CITY = "city"
PROVINCE = "province"
CROSS_PROVINCE = "cross_province"
LEVELS = (DISTRICT, CITY, PROVINCE, CROSS_PROVINCE)
MUNICIPALITIES = {"11", "12", "31", "50"}


def city_of(code: str) -> str:
    """The four-digit prefix of the city a region code belongs to (a municipality's whole area is one city)."""
    code = (code or "").strip()
    if code[:2] in MUNICIPALITIES:
        return code[:2] + "01"
    return code[:4]


def level(plant_region: str, supplier_region: str) -> str:
    """The coordination level for a supplier in ``supplier_region`` of a plant in ``plant_region``."""
    a, b = (plant_region or "").strip(), (supplier_region or "").strip()
    if len(a) != 6 or len(b) != 6 or not a.isdigit() or not b.isdigit():
        raise ValueError(f"region codes must have six digits: {a!r}, {b!r}")
    if a[:2] != b[:2]:
        return CROSS_PROVINCE
    if city_of(a) != city_of(b):
        return PROVINCE
    if a != b:
        return CITY
    return DISTRICT
