"""Citations people read name statute, regulation and handbook section (or an add-on's document
by title and section), never seed files or line numbers; those stay in ``source_ref``."""

from __future__ import annotations

import re

from spedrules.core.engine.layering import resolve, resolve_options
from spedrules.core.engine.plugins import HookContext, Registry
from spedrules.core.model.rules import EligibilityCategory, FormDefinition

DEVELOPER_ONLY = re.compile(r"\bL\d{1,5}\b|seed|shared/seeds|\.txt\b")


def every_rule():
    registry = Registry.discover()
    for plugin_id in sorted(registry.plugins):
        stack = registry.ancestry(plugin_id)
        options = resolve_options(registry, stack, {})
        for entry in resolve(registry, stack, HookContext(options=options)).entries.values():
            yield from entry.versions
        yield from registry.options(plugin_id)


def test_no_citation_shows_seed_line_numbers():
    found, refs = [], 0
    for rule in every_rule():
        if isinstance(rule, FormDefinition):
            continue  # forms print their own cites (form YAMLs, checked with the forms)
        texts = [rule.citation]
        if isinstance(rule, EligibilityCategory):
            texts += [c.citation for c in rule.criteria]
        found += [(rule.id, t) for t in texts if DEVELOPER_ONLY.search(t)]
        refs += bool(getattr(rule, "source_ref", ""))
    assert found == []
    assert refs > 40  # the line references moved to source_ref, they were not dropped
