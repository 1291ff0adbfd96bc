"""Florida exceptionalities (SP&P Part I B; Rules 6A-6.030xx F.A.C.) mapped to the core IDEA codes.

Rule numbers: 6A-6.03013, 6A-6.030151, 6A-6.030152, 6A-6.030153, 6A-6.03016, 6A-6.03022,
6A-6.03023 and 6A-6.03027 are named with their titles in the FAR notice of rule development
(flrules.org ID 7484925); the others are the eligibility rules that Rule 6A-6.0331 lists in the
same order. Deaf or hard of hearing is one Florida category: it maps to HI unless the case says
deafness (the IDEA splits what Florida joins).
"""

from __future__ import annotations

# Florida abbreviation -> (IDEA code, exceptionality, rule)
EXCEPTIONALITIES: dict[str, tuple[str, str, str]] = {
    "InD": ("ID", "Intellectual disabilities", "Rule 6A-6.03011"),
    "SI": ("SLI", "Speech impairments", "Rule 6A-6.03012"),
    "LI": ("SLI", "Language impairments", "Rule 6A-6.030121"),
    "DHH": ("HI", "Deaf or hard of hearing", "Rule 6A-6.03013"),
    "VI": ("VI", "Visual impairments", "Rule 6A-6.03014"),
    "OI": ("OI", "Orthopedic impairment", "Rule 6A-6.030151"),
    "OHI": ("OHI", "Other health impairment", "Rule 6A-6.030152"),
    "TBI": ("TBI", "Traumatic brain injury", "Rule 6A-6.030153"),
    "EBD": ("ED", "Emotional or behavioral disabilities", "Rule 6A-6.03016"),
    "SLD": ("SLD", "Specific learning disabilities", "Rule 6A-6.03018"),
    "DSI": ("DB", "Dual-sensory impairment", "Rule 6A-6.03022"),
    "ASD": ("AUT", "Autism spectrum disorder", "Rule 6A-6.03023"),
    "DD": ("DD", "Developmentally delayed (ages 3-5)", "Rule 6A-6.03027"),
}

# the reverse, for reports that speak Florida's terms
IDEA_TO_FLORIDA: dict[str, str] = {
    "ID": "InD",
    "SLI": "LI",
    "HI": "DHH",
    "DEAF": "DHH",
    "VI": "VI",
    "OI": "OI",
    "OHI": "OHI",
    "TBI": "TBI",
    "ED": "EBD",
    "SLD": "SLD",
    "DB": "DSI",
    "AUT": "ASD",
    "DD": "DD",
}


def to_idea(florida_code: str) -> str:
    return EXCEPTIONALITIES[florida_code][0]
