"""What the meeting tests of several jurisdictions share: a full IEP team."""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# parent, special and general education teachers, and the LEA representative (34 CFR 300.321(a))
TEAM = [
    {"name": "P", "role": "parent"},
    {"name": "S", "role": "special_education_teacher"},
    {"name": "A", "role": "lea_representative"},
    {"name": "G", "role": "general_education_teacher"},
]
