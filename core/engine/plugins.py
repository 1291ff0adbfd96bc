"""Plugin discovery and calls: one plugin at a time, so each rule is stamped and each failure named.

pluggy calls implementations last-registered-first, aborts the whole call at the first exception
and never validates return values. None of that may decide law, so spedrules registers every
plugin with pluggy (for its signature checks and ``check_pending``) but calls each plugin's
implementation on its own, converts and validates what it returns, and records a
:class:`Problem` naming the plugin instead of letting one broken plugin take the others down.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pluggy
from attrs import define, field, frozen

from spedrules.core import hookspecs
from spedrules.core.model.convert import converter
from spedrules.core.model.ruledata import register_tagged_unions  # noqa: F401 - registers the unions
from spedrules.core.model.rules import RULE_HOOKS, JurisdictionInfo, Option, RuleBase
from spedrules.core.model.vocabulary import PLUGIN_LEVELS

ENTRY_POINT_GROUP = "spedrules"
LAYER_OF_LEVEL = {
    "federal": "statutory",
    "state": "statutory",
    "region": "regional",
    "district": "local",
    "local": "local",
}


@frozen
class HookContext:
    """What a hook may read: the district config (or None), resolved options, evaluation date."""

    config: Any = None
    options: dict[str, Any] = field(factory=dict, hash=False)
    as_of: date | None = None


@frozen
class Problem:
    """Something wrong with a plugin or a stack, reported by ``spedrules plugins check``."""

    plugin: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.plugin}: {self.message}" if self.plugin else self.message


@define
class LoadedPlugin:
    id: str
    module: Any
    origin: str
    version: str = "local"
    info: JurisdictionInfo | None = None

    @property
    def parent(self) -> str | None:
        return self.info.parent if self.info else None

    @property
    def level(self) -> str:
        return self.info.level if self.info else "?"


@define
class Registry:
    """The installed plugins (entry points and local files) and what went wrong loading them."""

    pm: pluggy.PluginManager = field(factory=lambda: _new_manager())
    plugins: dict[str, LoadedPlugin] = field(factory=dict)
    problems: list[Problem] = field(factory=list)

    @classmethod
    def discover(cls, local_files: Iterable[Path] = ()) -> Registry:
        registry = cls()
        for ep in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=_ep_key):
            try:
                module = ep.load()
            except Exception as exc:  # a broken plugin is named, never fatal
                registry.problems.append(Problem(ep.name, f"cannot be imported: {exc!r}"))
                continue
            dist = getattr(ep, "dist", None)
            origin = f"entry point {ep.value}" + (f" ({dist.name})" if dist else "")
            registry.add(ep.name, module, origin, dist.version if dist else "unknown")
        for addon in local_files:
            registry.add_local(addon)
        return registry

    def add_local(self, addon: Any) -> LoadedPlugin | None:
        """Load a district's local add-on (a :class:`~spedrules.core.model.config.LocalAddon`: the
        file's text as read or stored), checked like a published plugin. The code that runs is
        exactly the text whose SHA-256 the store keeps."""
        label = str(addon.path or addon.name)
        stem = Path(addon.name).stem.replace("-", "_").replace(".", "_")
        name = f"spedrules_local_{stem}_{addon.sha256[:12]}"
        try:
            module = ModuleType(name)
            module.__file__ = label
            sys.modules[name] = module
            exec(compile(addon.source, label, "exec"), module.__dict__)  # noqa: S102
        except Exception as exc:
            self.problems.append(Problem(label, f"local plugin cannot be loaded: {exc!r}"))
            return None
        info = self._info_of(label, module)
        plugin_id = info.id if info else Path(addon.name).stem
        origin = f"local file {label} (sha256 {addon.sha256[:12]})"
        return self.add(plugin_id, module, origin, "local")

    def add(self, plugin_id: str, module: ModuleType | Any, origin: str, version: str):
        if plugin_id in self.plugins:
            self.problems.append(
                Problem(plugin_id, f"registered twice ({self.plugins[plugin_id].origin}, {origin})")
            )
            return None
        try:
            self.pm.register(module, name=plugin_id)
        except pluggy.PluginValidationError as exc:
            self.problems.append(Problem(plugin_id, f"invalid hook implementation: {exc}"))
            return None
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            self.pm.unregister(module)
            self.problems.append(Problem(plugin_id, f"implements an unknown hook: {exc}"))
            return None
        loaded = LoadedPlugin(plugin_id, module, origin, version, self._info_of(plugin_id, module))
        if loaded.info is None:
            self.pm.unregister(module)
            return None
        if loaded.info.id != plugin_id:
            self.problems.append(
                Problem(plugin_id, f"declares id {loaded.info.id!r}, registered as {plugin_id!r}")
            )
        self.plugins[plugin_id] = loaded
        return loaded

    def _info_of(self, name: str, module: Any) -> JurisdictionInfo | None:
        fn = getattr(module, "spedrules_jurisdiction", None)
        if fn is None:
            self.problems.append(Problem(name, "does not implement spedrules_jurisdiction()"))
            return None
        try:
            info = _coerce(fn(), JurisdictionInfo)
        except Exception as exc:
            self.problems.append(Problem(name, f"spedrules_jurisdiction() failed: {exc!r}"))
            return None
        if info.level not in PLUGIN_LEVELS:
            self.problems.append(
                Problem(name, f"level {info.level!r} is not one of {', '.join(PLUGIN_LEVELS)}")
            )
        return info

    def get(self, plugin_id: str) -> LoadedPlugin | None:
        return self.plugins.get(plugin_id)

    def ancestry(self, plugin_id: str) -> list[str]:
        """The plugin and its parents, general first: the default stack for checking it alone."""
        chain: list[str] = []
        current: str | None = plugin_id
        while current and current not in chain:
            chain.insert(0, current)
            plugin = self.plugins.get(current)
            current = plugin.parent if plugin else None
        return chain

    def call(self, plugin_id: str, hook_name: str, ctx: HookContext) -> Any:
        """Call one plugin's implementation of one hook; ``None`` if it does not implement it."""
        module = self.plugins[plugin_id].module
        caller = getattr(self.pm.hook, hook_name)
        for impl in caller.get_hookimpls():
            if impl.plugin is module:
                args = {"ctx": ctx}
                return impl.function(*[args[name] for name in impl.argnames])
        return None

    def options(self, plugin_id: str) -> list[Option]:
        result = self.call(plugin_id, "spedrules_options", HookContext())
        return [_coerce(o, Option) for o in (result or [])]

    def rules(self, plugin_id: str, hook_name: str, ctx: HookContext) -> list[RuleBase]:
        """The rules one plugin returns from one hook, converted, validated and stamped.

        Raises :class:`~spedrules.core.errors.PluginError` naming the plugin.
        """
        from spedrules.core.errors import PluginError

        cls = RULE_HOOKS[hook_name]
        try:
            result = self.call(plugin_id, hook_name, ctx)
        except Exception as exc:
            raise PluginError(plugin_id, f"{hook_name}() raised {exc!r}") from exc
        if result is None:
            return []
        if not isinstance(result, list | tuple):
            raise PluginError(
                plugin_id, f"{hook_name}() returned {type(result).__name__}, not a list"
            )
        layer = LAYER_OF_LEVEL.get(self.plugins[plugin_id].level, "local")
        stamped = []
        for index, item in enumerate(result):
            try:
                rule = _coerce(item, cls)
            except Exception as exc:
                raise PluginError(
                    plugin_id, f"{hook_name}()[{index}] is not a valid {cls.__name__}: {exc}"
                ) from exc
            stamped.append(attrs.evolve(rule, source=plugin_id, layer=rule.layer or layer))
        return stamped


def _coerce(item: Any, cls: type) -> Any:
    """Accept an instance of ``cls`` or plain data (a dict from YAML) structured by cattrs."""
    if isinstance(item, cls):
        return item
    if isinstance(item, dict):
        return converter.structure(item, cls)
    raise TypeError(f"expected {cls.__name__} or a mapping, got {type(item).__name__}")


def _ep_key(ep: importlib.metadata.EntryPoint) -> str:
    return ep.name


def _new_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm
