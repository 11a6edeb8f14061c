"""`refactor.analysis.inventory`: the family's definitions, their kinds, what each resolves to, and the plan's decisions.

Small hand-written packages in tmp_path, plus golden results on both bundled fixtures.
"""

from __future__ import annotations

import pytest

from refactor.analysis.inventory import Inventory, literal_fragments, take_inventory
from refactor.analysis.project import Project
from refactor.errors import PlanError
from refactor.planfile import load_plan
from refactor.reading.reader import Reader
from tests.helpers import PLANS, write_plan, write_tree

ENGINE_PACKAGE = {
    "pkg/__init__.py": """
        from pkg.core import Engine
        from pkg.alias import OldEngine
        """,
    "pkg/core.py": """
        class Engine:
            def start(self):
                return "started"


        def helper():
            return 1
        """,
    "pkg/alias.py": """
        from pkg.core import Engine

        OldEngine = Engine
        """,
    "pkg/thin.py": """
        from pkg import core


        class ThinEngine(core.Engine):
            \"\"\"Nothing of its own.\"\"\"

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
        """,
    "pkg/rich.py": """
        from pkg.core import Engine


        class RichEngine(Engine):
            def extra(self):
                return 2
        """,
    "pkg/redirect.py": """
        from pkg.core import Engine


        class RedirectEngine:
            def __new__(cls, *args, **kwargs):
                return Engine(*args, **kwargs)
        """,
    "pkg/forbid.py": """
        class ForbiddenEngine:
            def __new__(cls, *args, **kwargs):
                raise TypeError("use create_engine()")
        """,
    "pkg/dyn.py": """
        from pkg.core import Engine

        DynEngine = type("DynEngine", (Engine,), {})
        """,
    "pkg/factory.py": """
        from pkg.core import Engine


        class EngineFactory:
            def create(self):
                return Engine()


        def create_engine():
            return Engine()
        """,
    "pkg/proto.py": """
        from typing import Protocol


        class EngineProtocol(Protocol):
            def start(self) -> str: ...
        """,
    "pkg/base.py": """
        from abc import ABC, abstractmethod


        class EngineBase(ABC):
            @abstractmethod
            def start(self): ...
        """,
    "pkg/adapter.py": """
        from pkg.core import Engine


        class EngineAdapter:
            def __init__(self):
                self._engine = Engine()

            def start(self):
                return self._engine.start()
        """,
    "pkg/modes.py": """
        import enum


        class EngineMode(enum.Enum):
            FAST = 1
        """,
    "pkg/chain1.py": """
        from pkg.core import Engine

        FirstEngine = Engine
        """,
    "pkg/chain2.py": """
        from pkg.chain1 import FirstEngine

        SecondEngine = FirstEngine
        """,
    "pkg/chain3.py": """
        from pkg import chain2

        ThirdEngine = chain2.SecondEngine
        """,
    "pkg/legacy.py": """
        from pkg.core import Engine

        Motor = Engine
        """,
    "pkg/consumer.py": """
        from pkg.core import Engine
        from pkg.alias import OldEngine as Renamed


        def run():
            return Engine().start(), Renamed
        """,
    "other/__init__.py": "",
    "other/engines.py": """
        class OutsideEngine:
            pass
        """,
}

PLAN = {"name": "engine", "root": "..", "packages": ["pkg"], "canonical": "pkg.core:Engine",
            "family": ["*Engine*", "create_engine"], "exclude": ["EngineMode"]}


def inventory_of(tmp_path, files=ENGINE_PACKAGE, *, mapping=None, **plan_overrides) -> Inventory:
    write_tree(tmp_path, files)
    plan = load_plan(write_plan(tmp_path / "plans" / "engine.toml", mapping=mapping, **{**PLAN, **plan_overrides}))
    return take_inventory(Project.load(plan.root, cache=False), plan)


@pytest.fixture
def inventory(tmp_path) -> Inventory:
    return inventory_of(tmp_path)


# (ref, kind, piece of the detail, resolves_to, class_object, status)
DEFINITIONS = [
    pytest.param("pkg.core:Engine", "class", "implementation", "pkg.core:Engine", True, "canonical", id="canonical"),
    pytest.param("pkg.alias:OldEngine", "alias", "alias of pkg.core:Engine", "pkg.core:Engine", False, "replace",
                 id="alias"),
    pytest.param("pkg.thin:ThinEngine", "wrapper", "subclass of core.Engine, adds nothing", "pkg.thin:ThinEngine",
                 True, "replace", id="thin-wrapper"),
    pytest.param("pkg.rich:RichEngine", "wrapper", "subclass of Engine, adds: extra", "pkg.rich:RichEngine",
                 True, "needs decision", id="wrapper-with-substance"),
    pytest.param("pkg.redirect:RedirectEngine", "wrapper", "__new__ returns Engine", "pkg.redirect:RedirectEngine",
                 True, "replace", id="new-redirect"),
    pytest.param("pkg.dyn:DynEngine", "dynamic", "type() copy of Engine", "pkg.dyn:DynEngine", True, "replace",
                 id="dynamic"),
    pytest.param("pkg.factory:EngineFactory", "factory", "factory class building Engine",
                 "pkg.factory:EngineFactory", True, "needs decision", id="factory-class"),
    pytest.param("pkg.factory:create_engine", "factory", "factory function building Engine",
                 "pkg.factory:create_engine", False, "needs decision", id="factory-function"),
    pytest.param("pkg.proto:EngineProtocol", "protocol", "typing.Protocol", "pkg.proto:EngineProtocol", True,
                 "needs decision", id="protocol"),
    pytest.param("pkg.base:EngineBase", "protocol", "abstract base class", "pkg.base:EngineBase", True,
                 "needs decision", id="abc"),
    pytest.param("pkg.adapter:EngineAdapter", "wrapper", "wraps Engine by composition", "pkg.adapter:EngineAdapter",
                 True, "needs decision", id="composition-adapter"),
    pytest.param("pkg.chain3:ThirdEngine", "alias", "alias of pkg.chain2:SecondEngine, which is pkg.core:Engine",
                 "pkg.core:Engine", False, "replace", id="alias-chain-3-modules"),
    pytest.param("pkg.legacy:Motor", "alias", "alias of pkg.core:Engine", "pkg.core:Engine", False, "replace",
                 id="non-matching-alias-found-by-resolution"),
    pytest.param("pkg:Engine", "alias", "re-export of pkg.core:Engine", "pkg.core:Engine", False,
                 "canonical re-export", id="package-reexport-of-canonical"),
    pytest.param("pkg:OldEngine", "alias", "re-export of pkg.alias:OldEngine, which is pkg.core:Engine",
                 "pkg.core:Engine", False, "replace", id="package-reexport-of-alias"),
    pytest.param("pkg.chain1:FirstEngine", "alias", "alias of pkg.core:Engine", "pkg.core:Engine", False, "replace",
                 id="chain-first"),
    pytest.param("pkg.chain2:SecondEngine", "alias", "alias of pkg.chain1:FirstEngine, which is pkg.core:Engine",
                 "pkg.core:Engine", False, "replace", id="chain-second"),
]


@pytest.mark.parametrize(("ref", "kind", "detail", "resolves_to", "class_object", "status"), DEFINITIONS)
def test_definition(inventory, ref, kind, detail, resolves_to, class_object, status):
    row = inventory.get(*ref.split(":"))
    assert row is not None, f"{ref} missing from {[d.ref for d in inventory.definitions]}"
    assert (row.kind, row.resolves_to, row.class_object, row.status) == (kind, resolves_to, class_object, status)
    assert detail in row.detail
    assert row.replacement == ("pkg.core:Engine" if status in ("canonical", "canonical re-export", "replace")
                               else None)


def test_a_class_tied_to_the_canonical_by_its_name_alone_is_set_apart(inventory):
    """ForbiddenEngine's `__new__` raises: no base, alias, redirect, wrapped or built member ties it to
    the canonical. It is reported apart, not counted, with the plan lines that would settle it."""
    apart = {d.ref: why for d, why in inventory.apart}
    assert apart["pkg.forbid:ForbiddenEngine"] == "name match only (nothing ties it to the canonical)"
    assert any("exclude = [\"ForbiddenEngine\"]" in w for w in inventory.warnings)


def test_exactly_these_definitions(inventory):
    expected = {p.values[0] for p in DEFINITIONS}
    assert {d.ref for d in inventory.definitions} == expected
    # not members: the excluded enum, a consumer's imports, classes outside the plan's packages, other functions
    for ref in ("pkg.modes:EngineMode", "pkg.consumer:Engine", "pkg.consumer:Renamed", "other.engines:OutsideEngine",
                "pkg.core:helper", "pkg.chain1:Engine"):
        assert inventory.get(*ref.split(":")) is None


def test_alias_chain_records_every_hop(inventory):
    row = inventory.get("pkg.chain3", "ThirdEngine")
    modules = [hop.partition(":")[0] for hop in row.chain]
    assert modules[0] == "pkg.chain3" and modules[-1] == "pkg.core"
    assert {"pkg.chain2", "pkg.chain1"} <= set(modules)


def test_package_reexports_are_marked(inventory):
    assert {d.ref for d in inventory.definitions if d.reexport} == {"pkg:Engine", "pkg:OldEngine"}
    assert not inventory.get("pkg", "Engine").removable and not inventory.get("pkg", "OldEngine").removable
    assert inventory.get("pkg.alias", "OldEngine").removable


def test_distinct_counts_class_objects_and_names_counts_rows(inventory):
    assert inventory.distinct == 9  # Engine + 8 other class bodies tied to it; aliases never count
    assert inventory.names == len(DEFINITIONS) == 17
    assert inventory.distinct == sum(1 for d in inventory.definitions if d.class_object)


def test_redundant_modules_are_those_with_removable_members(inventory):
    assert inventory.redundant_modules() == [
        "pkg.adapter", "pkg.alias", "pkg.base", "pkg.chain1", "pkg.chain2", "pkg.chain3", "pkg.dyn",
        "pkg.factory", "pkg.legacy", "pkg.proto", "pkg.redirect", "pkg.rich", "pkg.thin",
    ]


def test_plan_decisions_mapped_and_kept(tmp_path):
    inventory = inventory_of(
        tmp_path,
        keep=["pkg.rich:RichEngine", "pkg.proto:EngineProtocol"],
        mapping={"pkg.factory:EngineFactory": "pkg.core:Engine",
                 "pkg.factory:create_engine": "pkg.core:Engine",
                 "pkg.forbid:ForbiddenEngine": "pkg.core:Engine"},
    )
    status = {d.ref: (d.status, d.replacement) for d in inventory.definitions}
    assert status["pkg.rich:RichEngine"] == ("kept", None)
    assert status["pkg.proto:EngineProtocol"] == ("kept", None)
    assert status["pkg.factory:EngineFactory"] == ("mapped", "pkg.core:Engine")
    assert status["pkg.factory:create_engine"] == ("mapped", "pkg.core:Engine")
    assert status["pkg.forbid:ForbiddenEngine"] == ("mapped", "pkg.core:Engine")
    assert status["pkg.base:EngineBase"] == ("needs decision", None)
    assert inventory.distinct == 8  # kept members do not count
    assert "pkg.rich" not in inventory.redundant_modules()


def test_alias_of_a_mapped_member_is_mapped_and_alias_of_kept_is_kept(tmp_path):
    files = {
        **ENGINE_PACKAGE,
        "pkg/compat.py": """
            from pkg.factory import EngineFactory
            from pkg.rich import RichEngine

            OldFactoryEngine = EngineFactory
            OldRichEngine = RichEngine
            """,
    }
    inventory = inventory_of(tmp_path, files, keep=["pkg.rich:RichEngine"],
                             mapping={"pkg.factory:EngineFactory": "pkg.core:Engine"})
    assert inventory.get("pkg.compat", "OldFactoryEngine").status == "mapped"
    assert inventory.get("pkg.compat", "OldFactoryEngine").replacement == "pkg.core:Engine"
    assert inventory.get("pkg.compat", "OldRichEngine").status == "kept"


def test_wrapper_of_a_thin_wrapper_replaces_down_to_the_canonical(tmp_path):
    files = {**ENGINE_PACKAGE, "pkg/thinner.py": "from pkg.thin import ThinEngine\n\n\nclass ThinnerEngine(ThinEngine):\n"
                                                 "    pass\n"}
    row = inventory_of(tmp_path, files).get("pkg.thinner", "ThinnerEngine")
    assert (row.kind, row.status, row.replacement) == ("wrapper", "replace", "pkg.core:Engine")


def test_alias_of_an_alias_in_a_file_without_any_family_name(tmp_path):
    # cars.py never spells "Engine": found only because the search repeats with the names resolution finds
    files = {**ENGINE_PACKAGE, "pkg/cars.py": "from pkg.legacy import Motor\n\nCar = Motor\n"}
    row = inventory_of(tmp_path, files).get("pkg.cars", "Car")
    assert row is not None
    assert (row.kind, row.resolves_to, row.status) == ("alias", "pkg.core:Engine", "replace")
    assert row.detail == "alias of pkg.legacy:Motor, which is pkg.core:Engine"


def test_thin_stand_in_with_an_unmatched_name_is_a_member(tmp_path):
    files = {**ENGINE_PACKAGE, "pkg/motorcar.py": "from pkg.core import Engine\n\n\nclass Motorcar(Engine):\n"
                                                  "    pass\n\n\nclass Lorry(Engine):\n    wheels = 6\n"}
    inventory = inventory_of(tmp_path, files)
    assert inventory.get("pkg.motorcar", "Motorcar").kind == "wrapper"
    assert inventory.get("pkg.motorcar", "Lorry") is None  # a subclass with substance and another name: not ours


def test_excluded_names_are_ignored_even_as_thin_subclasses(tmp_path):
    files = {**ENGINE_PACKAGE, "pkg/modes.py": "from pkg.core import Engine\n\n\nclass EngineMode(Engine):\n    pass\n"}
    assert inventory_of(tmp_path, files).get("pkg.modes", "EngineMode") is None


def test_src_layout_and_type_checking_alias(tmp_path):
    files = {
        "src/lib/__init__.py": "",
        "src/lib/core.py": "class Engine:\n    def go(self):\n        pass\n",
        "src/lib/hints.py": """
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from lib.core import Engine as HintEngine
            __all__ = ["HintEngine"]
            """,
    }
    write_tree(tmp_path, files)
    plan = load_plan(write_plan(tmp_path / "plan.toml", name="lib", packages=["lib"], canonical="lib.core:Engine",
                                family=["*Engine"]))
    inventory = take_inventory(Project.load(plan.root, cache=False), plan)
    row = inventory.get("lib.hints", "HintEngine")
    assert row.path == "src/lib/hints.py"
    assert row.kind == "alias" and row.resolves_to == "lib.core:Engine"
    assert "only under TYPE_CHECKING" in row.detail


# -- plan errors -----------------------------------------------------------------------------

def test_map_key_that_matches_nothing_is_a_warning(tmp_path):
    # after a stage removed a mapped member, its [map] entry is stale, not wrong
    inventory = inventory_of(tmp_path, mapping={"pkg.core:Nope": "pkg.core:Engine"})
    assert any("map.pkg.core:Nope: matches nothing" in w for w in inventory.warnings)


@pytest.mark.parametrize(("overrides", "mapping", "key", "problem"), [
    pytest.param({}, {"pkg.consumer:Engine": "pkg.core:Engine"}, "map.pkg.consumer:Engine",
                 "not a definition of the family", id="map-key-is-a-consumer-import"),
    pytest.param({}, {"pkg.rich:RichEngine": "pkg.nowhere:Engine"}, "map.pkg.rich:RichEngine",
                 "target module pkg.nowhere not found", id="map-target-module-missing"),
    pytest.param({}, {"pkg.rich:RichEngine": "pkg.core:Nothing"}, "map.pkg.rich:RichEngine",
                 "pkg.core does not define Nothing", id="map-target-name-missing"),
    pytest.param({"keep": ["pkg.core:helper"]}, None, "plan.keep", "pkg.core:helper is not a definition",
                 id="keep-not-a-member"),
    pytest.param({"canonical": "pkg.nowhere:Engine"}, None, "plan.canonical", "module pkg.nowhere not found",
                 id="canonical-module-missing"),
    pytest.param({"canonical": "pkg.core:Missing"}, None, "plan.canonical", "no class Missing defined in pkg/core.py",
                 id="canonical-class-missing"),
    pytest.param({"canonical": "pkg.core:helper"}, None, "plan.canonical", "no class helper defined",
                 id="canonical-is-a-function"),
])
def test_plan_refs_checked_against_the_code(tmp_path, overrides, mapping, key, problem):
    with pytest.raises(PlanError) as caught:
        inventory_of(tmp_path, mapping=mapping, **overrides)
    assert caught.value.key == key
    assert problem in caught.value.problem
    assert str(caught.value).startswith(str(tmp_path / "plans" / "engine.toml"))


def test_unparseable_file_is_reported_and_skipped(tmp_path):
    files = {**ENGINE_PACKAGE, "pkg/broken.py": "from pkg.core import Engine\n\nclass BrokenEngine(Engine:\n    pass\n"}
    inventory = inventory_of(tmp_path, files)
    assert len(inventory.errors) == 1 and inventory.errors[0].startswith("pkg/broken.py:3: syntax error: ")
    assert all(d.module != "pkg.broken" for d in inventory.definitions)
    assert inventory.distinct == 9  # the rest of the family is still found
    assert inventory.to_json()["errors"] == list(inventory.errors)


def test_unparseable_canonical_module_is_a_plan_error(tmp_path):
    files = {**ENGINE_PACKAGE, "pkg/core.py": "class Engine(:\n"}
    with pytest.raises(PlanError) as caught:
        inventory_of(tmp_path, files)
    assert caught.value.key == "plan.canonical" and "pkg/core.py:1: syntax error" in caught.value.problem


def test_inventory_json_document(inventory):
    doc = inventory.to_json()
    assert (doc["plan"], doc["canonical"], doc["distinct"], doc["names"]) == ("engine", "pkg.core:Engine", 9, 17)
    row = next(r for r in doc["family"] if r["name"] == "ThirdEngine")
    assert row["module"] == "pkg.chain3" and row["line"] == 3 and row["path"] == "pkg/chain3.py"
    assert row["resolves_to"] == "pkg.core:Engine" and row["kind"] == "alias"
    assert doc["redundant_modules"] == inventory.redundant_modules()


@pytest.mark.parametrize(("pattern", "fragments"), [
    pytest.param("*WebSocketManager*", ["WebSocketManager"], id="star-both-sides"),
    pytest.param("Config", ["Config"], id="exact"),
    pytest.param("Web?ocket*Mgr", ["ocket"], id="question-mark"),
    pytest.param("[AB]Settings", ["Settings"], id="bracket"),
])
def test_literal_fragments(pattern, fragments):
    assert literal_fragments(pattern) == fragments


# -- golden results on the bundled fixtures --------------------------------------------------

@pytest.fixture(scope="module")
def websocket() -> Inventory:
    plan = load_plan(PLANS / "websocket_manager.toml")
    return take_inventory(Project.load(plan.root, cache=False), plan)


@pytest.fixture(scope="module")
def settings() -> Inventory:
    plan = load_plan(PLANS / "settings.toml")
    return take_inventory(Project.load(plan.root, cache=False), plan)


WS = "app.websocket_core."


def test_websocket_fixture_counts(websocket):
    assert websocket.distinct == 11
    assert websocket.errors == ()
    assert websocket.redundant_modules() == [WS + m for m in (
        "canonical_import_patterns", "canonical_imports", "compat", "interfaces", "migration_adapter", "protocols",
        "ssot_validation_enhancer", "types", "websocket_manager", "websocket_manager_factory")]
    assert all(d.status != "needs decision" for d in websocket.definitions)


@pytest.mark.parametrize(("ref", "kind", "detail"), [
    pytest.param("unified_manager:UnifiedWebSocketManager", "class", "implementation", id="canonical"),
    pytest.param("canonical_imports:DynamicWebSocketManager", "dynamic", "type() copy", id="dynamic"),
    pytest.param("canonical_imports:CanonicalWebSocketManager", "alias", "websocket_manager:WebSocketManager",
                 id="alias-chain"),
    pytest.param("ssot_validation_enhancer:SSOTValidatedWebSocketManager", "wrapper", "__new__", id="new-redirect"),
    pytest.param("protocols:WebSocketManagerProtocol", "protocol", "typing.Protocol", id="protocol"),
    pytest.param("interfaces:WebSocketManagerInterface", "protocol", "abstract base class", id="abc"),
    pytest.param("migration_adapter:WebSocketManagerAdapter", "wrapper", "composition", id="adapter"),
    pytest.param("websocket_manager_factory:WebSocketManagerFactory", "factory", "factory class", id="factory"),
    pytest.param("websocket_manager:_WebSocketManagerFactory", "class", "__new__ raises", id="new-raises"),
    pytest.param("canonical_import_patterns:EnhancedWebSocketManager", "wrapper", "adds: ", id="wrapper-substance"),
    pytest.param("canonical_import_patterns:WebSocketManager", "wrapper", "adds nothing", id="thin-wrapper"),
])
def test_websocket_fixture_kinds(websocket, ref, kind, detail):
    row = websocket.get(*(WS + ref).split(":"))
    assert row is not None and row.kind == kind and detail in row.detail, row


def test_websocket_fixture_every_name_resolves_to_a_class_object(websocket):
    objects = {d.ref for d in websocket.definitions if d.class_object}
    assert {d.resolves_to for d in websocket.definitions} <= objects


def test_settings_fixture_counts(settings):
    assert settings.distinct == 5
    assert settings.errors == ()
    assert settings.redundant_modules() == ["confapp.config.compat", "confapp.config.factory",
                                            "confapp.config.legacy", "confapp.config.typing_compat",
                                            "confapp.core.settings"]
    assert {d.ref for d in settings.definitions if d.class_object} == {
        "confapp.config.settings:Settings", "confapp.config.compat:LegacySettings",
        "confapp.config.compat:RuntimeSettings", "confapp.config.factory:SettingsFactory",
        "confapp.config.typing_compat:SettingsProtocol"}
    config = settings.get("confapp.config.legacy", "Config")
    assert (config.kind, config.resolves_to, config.status) == ("alias", "confapp.config.settings:Settings", "replace")
    assert settings.get("confapp.config.settings", "Settings").path == "src/confapp/config/settings.py"


def test_a_subclass_mixing_in_other_bases_says_so_and_needs_a_decision(tmp_path):
    """`class ThreadingEngine(ThreadingMixIn, Engine): pass` adds nothing in its body, but its other base
    brings behaviour the canonical lacks: the audit names it, and it is not replaced on its own."""
    files = {**ENGINE_PACKAGE, "pkg/mixed.py": """
        from pkg.core import Engine

        class ThreadingMixIn:
            def start(self):
                return "threaded"

        class ThreadingEngine(ThreadingMixIn, Engine):
            pass
        """}
    row = next(d for d in inventory_of(tmp_path, files).definitions if d.ref == "pkg.mixed:ThreadingEngine")
    assert (row.kind, row.detail, row.status) == (
        "wrapper", "subclass of Engine mixing in ThreadingMixIn; adds nothing of its own", "needs decision")


def test_a_class_whose_methods_return_its_own_instances_is_no_factory(tmp_path):
    files = {**ENGINE_PACKAGE, "pkg/value.py": """
        class ValueEngine:
            def __init__(self, size):
                self.size = size

            def grown(self):
                return ValueEngine(self.size + 1)
        """}
    inventory = inventory_of(tmp_path, files)
    row = next(d for d, _ in inventory.apart if d.ref == "pkg.value:ValueEngine")   # (only its name ties it)
    assert (row.kind, row.detail) == ("class", "implementation")


def test_a_subclass_with_its_own_metaclass_is_no_thin_wrapper(tmp_path):
    """`class CheckedEngine(Engine, metaclass=Checking): pass`: the metaclass changes how the class behaves
    (isinstance checks, construction), so it needs a decision like any wrapper with substance."""
    files = {**ENGINE_PACKAGE, "pkg/meta.py": """
        from pkg.core import Engine

        class Checking(type):
            def __instancecheck__(cls, other):
                return True

        class CheckedEngine(Engine, metaclass=Checking):
            pass
        """}
    row = next(d for d in inventory_of(tmp_path, files).definitions if d.ref == "pkg.meta:CheckedEngine")
    assert (row.kind, row.detail, row.status) == (
        "wrapper", "subclass of Engine with metaclass Checking; adds nothing of its own", "needs decision")


@pytest.mark.parametrize("decorator, status", [
    pytest.param("@registry.register('legacy')", "needs decision", id="registering-decorator"),
    pytest.param("@dataclass", "needs decision", id="dataclass"),
    pytest.param("@deprecated('use Engine')", "replace", id="deprecation-marker"),
    pytest.param("@typing.final", "replace", id="final-marker"),
])
def test_a_decorated_subclass_is_thin_only_when_the_decorator_is_a_marker(tmp_path, decorator, status):
    """A class decorator can register the class or generate methods: removing the class would lose that."""
    files = {**ENGINE_PACKAGE, "pkg/decorated.py": f"""
        import typing
        from dataclasses import dataclass
        from pkg.core import Engine
        from pkg.plugins import registry, deprecated

        {decorator}
        class DecoratedEngine(Engine):
            pass
        """, "pkg/plugins.py": "registry = None\ndeprecated = None\n"}
    row = next(d for d in inventory_of(tmp_path, files).definitions if d.ref == "pkg.decorated:DecoratedEngine")
    assert row.status == status, row.detail


def test_a_name_holding_a_needle_searched_before_is_not_searched_for_again(tmp_path, monkeypatch):
    """The first search looks for `Engine` (and `create_engine`), and every file it finds is parsed. A name
    found later that holds `Engine` (`OldEngine`, `ThinEngine`) can only be in those files: later rounds
    search only for names holding no earlier needle (`Motor`), and the rows are still found."""
    searched: list[set[str]] = []
    real = Reader.search

    def recording(self, needles, paths, *args, **kwargs):
        needles = set(needles)
        searched.append(needles)
        return real(self, needles, paths, *args, **kwargs)

    monkeypatch.setattr(Reader, "search", recording)
    refs = {d.ref for d in inventory_of(tmp_path).definitions}
    assert {"pkg.legacy:Motor", "pkg.alias:OldEngine", "pkg.thin:ThinEngine"} <= refs, refs
    assert searched[0] >= {"Engine", "create_engine"}
    later = set().union(*searched[1:])
    assert "Motor" in later
    assert not any("Engine" in needle for needle in later), searched
