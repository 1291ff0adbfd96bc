"""Restraint and seclusion of students with disabilities: s. 1003.573 F.S. in three versions, as
dated rules in rules/incident_rules.yaml (each version's citation, dates and what was verified).

* 2010-07-01 to 2011-06-30: s. 1003.573 as created by CS/CS/HB 1073, ch. 2010-224, Laws of Fla.
  Verified on 2026-12-01: the section's 2010 text on flsenate.gov ("2010 Florida Statutes",
  s. 1003.573(1)(a)-(b): the incident report within 24 hours after release, or by the end of the
  school day school reopens, and its contents, without the student's age, grade, ethnicity and
  disability and without FDOE terms for the type); the effective date 07/01/2010 from the
  Senate's page for SB 2616 (2010), whose companion CS/CS/HB 1073 passed as ch. 2010-224, and
  Disability Rights Florida's notice of 2010-06-08 ("to become law on July 1, 2010"; it also
  names the prohibitions: no mechanical restraint, no restraint restricting breathing, no
  unlit room short of the Fire Marshal's rule). The 2010 wording of the parent notice, the report
  to the parent and the acknowledgements, (1)(c)-(d), could not be read: those duties are
  shown as undetermined for an incident of that year, with a warning, not guessed.
* 2011-07-01 to 2021-06-30: s. 1003.573(1) F.S. (the text in force when the St. Lucie SP&P of
  2016-17 was written, Part I A.2-A.3): seclusion allowed in a room meeting State Fire
  Marshal Rule 69A-58.0084 F.A.C.; no mechanical restraint; no restraint restricting breathing.
* from 2021-07-01: s. 1003.573(7) F.S. as amended by CS/HB 149, ch. 2021-140, Laws of Fla.
  (effective 7/1/2021, verified on flsenate.gov): seclusion prohibited; no restraint obstructing
  or restricting breathing or blood flow; no face-down restraint with hands held behind the back;
  the report adds the date the staff member was last trained in positive behavior supports.
Before 2010-07-01 the section did not exist: an earlier incident has none of these duties.

Status comes from events: ``parent_notified``
with ``method: written`` meets the written notice; ``parent_contact_attempted`` or
``parent_notified`` by phone/email meets the same-day efforts; ``incident_report_completed`` and
``incident_report_sent`` meet the report and the mailing; ``parent_acknowledgement_received``
with ``of: notice`` or ``of: report`` meets an acknowledgement, and so do two
``parent_contact_attempted`` events with ``purpose: notice_acknowledgement`` (or
``report_acknowledgement``) when the parent does not respond - the statute sets no deadline for
these, so they are shown without a due date. An event names its incident with ``incident: ID``;
without it, events on or after the incident day count.
"""

from __future__ import annotations

from .report import restraint_type as fdoe_restraint_type

__all__ = ["fdoe_restraint_type"]
