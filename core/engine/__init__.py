"""The engine: layering of the stack, then timelines, meetings, incidents, programs and
eligibility, each a function of a case, the effective rules and an as-of date."""
