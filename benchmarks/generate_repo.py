#!/usr/bin/env python3
"""Generate a large synthetic Python repository for the refactor benchmarks.

usage:
    python benchmarks/generate_repo.py OUT_DIR [--modules 10000] [--seed 1] [--sites 400]
                                       [--top netra] [--profile zen] [--check] [--jobs N] [--no-git] [--force]

The repository looks like a large, long-lived backend:

* ``<top>/`` holds ~``--modules`` modules in nested packages (depth 2-5, every package has an
  ``__init__.py``), 50-1,500 lines each (median ~250): classes with methods, dataclasses, enums,
  exceptions, protocols, functions, docstrings, comments, constants, type hints.
* The modules import each other (3-15 imports each, absolute and relative): a mostly acyclic
  import graph with a few small cycles.  Imports inside a cycle import modules, not names, and
  use them only inside function bodies, so every package imports cleanly.
* ``<top>/websocket_core/`` is a copy of the bundled fixture's WebSocket manager family
  (``fixtures/websocket_app/app/websocket_core``) with ``app.`` rewritten to ``<top>.``, and
  ``<top>/infra/redis_client.py`` the one module it needs besides itself.
* ``--sites`` import sites of the family, of every kind the toolkit must rewrite (lazy imports
  in functions being the most common, as in real code), spread over the generated modules,
  package ``__init__`` files and ``tests/``; ~11% of the other modules merely *mention*
  websockets in comments and strings (false positives for a naive text prefilter).
* ``plan.toml`` (the bundled plan, rewritten for ``<top>``), ``tests/test_websocket_smoke.py``
  (the plan's quick test command), ``pyproject.toml`` and ``bench_manifest.json`` (the ground
  truth: every generated family site with its file, kind, name and target module).
* Unless ``--no-git``: a git repository with one commit (fixed author and dates, so the same
  seed gives the same commit).

``--profile zen`` adds what makes the seed's real repository (netra-systems/zen) expensive to search,
in its proportions scaled to ``--modules`` (without it the tree is exactly the default one):

* ~55% of the modules name the family's package: most of them (85%) import and use the family, 1-2
  sites each, 62% of those imports inside functions (a third of these ``import <top>.websocket_core.m``
  followed by attribute chains), each site's function naming the member 3-10 times (calls, annotations,
  ``isinstance``, ...); the rest name the package in strings and comments only.  One family module
  (``canonical_import_patterns``) is imported by 7.6% of the modules.
* Hub modules: five early modules imported by 4-13% of the modules (never creating a cycle).
* 32% of the other imports of generated modules are made inside a function (a loader function).
* The __init__ files of the 2% largest packages import every submodule's names, each in
  ``try/except ImportError``.
* ~1% as many test doubles named like the family (``MockWebSocketManager``, ``FakeWebSocketManager``,
  ``TestWebSocketManager``, ...) in ``tests/`` and ``test_framework/fixtures/``.
* 0.25% of the modules have 3,000-4,200 lines: one big class of many methods, a few of which use the family.

The manifest then has a ``profile`` section with the figures the summary prints (files naming the
package, references, fan-in, function-level imports, aggregating __init__ files, doubles, files over
3,000 lines); its ``site_list`` has every site the profile added (kinds ``fn_import``, ``fn_chain``,
``top_import``, each with its number of ``refs``).

Everything is derived from ``--seed``: the same arguments give byte-identical output, however
many ``--jobs`` render it (and on Python 3.10 and 3.11 alike).  Standard library only.
``--check`` parses every generated file with ``ast.parse`` (in parallel), then imports every
generated module and package in a subprocess (all must import; ``websocket_core/compat.py`` must
fail, as it does in the fixture).  The summary printed at the end gives modules, lines, MB,
import-graph figures, family sites by kind and by name, and timings.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

HERE = Path(__file__).resolve().parent
DEFAULT_FIXTURE = HERE.parent / "fixtures" / "websocket_app"
DEFAULT_PLAN = HERE.parent / "plans" / "websocket_manager.toml"

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

FOUNDATION_AREAS = ["core", "common", "utils", "config", "db"]
AREAS = [
    "services", "api", "billing", "auth", "accounts", "analytics", "agents", "events", "storage",
    "search", "notifications", "scheduling", "reporting", "admin", "pipelines", "ml", "tenancy",
    "monitoring", "integrations", "workflows", "catalog", "orders", "messaging", "security",
    "compliance", "gateway", "realtime", "payments", "crm", "marketing", "support", "documents",
    "media", "geo", "pricing", "risk", "audit", "experiments", "features", "sync", "ingestion",
    "exports", "identity", "sessions", "jobs", "chat", "llm", "connectors", "dashboards",
]
RESERVED = {"websocket_core", "infra"}

ROLES = [
    "models", "schemas", "service", "repository", "handlers", "views", "routes", "serializers",
    "validators", "client", "tasks", "utils", "helpers", "constants", "exceptions", "types",
    "adapters", "mappers", "policies", "commands", "queries", "events", "listeners", "factories",
    "builders", "registry", "cache", "settings", "backends", "formatters", "parsers", "transforms",
    "pipeline", "scheduler", "worker", "metrics", "permissions", "filters", "pagination",
    "dependencies", "middleware", "loaders", "exporters", "resolvers", "workflows", "state",
    "retry", "throttling", "notifiers", "hooks", "selectors", "enums", "specs", "normalizers",
    "encoders", "reconciliation", "lifecycle", "quotas_check", "audit_log", "fixtures_data",
]
ROLE_SET = set(ROLES)

_NOUNS = """
invoice payment subscription plan ledger refund customer user team role token order cart product
price discount shipment warehouse supplier report dashboard alert incident job queue schedule
dataset feature experiment document template attachment comment thread channel room message email
webhook connector provider policy rule quota region tenant project workspace snapshot migration
ranking recommendation embedding prompt tool run trace backup secret certificate domain endpoint
session device contact lead campaign segment ticket article asset upload location address currency
rate forecast score signal batch task workflow approval permission group organization account
credential api_key feed conversation agent invitation membership license voucher coupon receipt
payout transfer statement budget expense vendor contract milestone sprint release deployment cluster
node volume bucket blob mailbox inbox digest reminder calendar booking slot resource collection
catalog variant bundle review rating survey response profile preference consent
""".split()
_IRREGULAR = {"policy": "policies", "currency": "currencies", "address": "addresses",
              "batch": "batches", "index": "indexes", "inbox": "inboxes", "query": "queries",
              "strategy": "strategies", "entity": "entities", "company": "companies",
              "status": "statuses", "class": "classes"}


def _plural(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


NOUNS = [(n, _plural(n)) for n in _NOUNS]
SUBPACKAGE_NAMES = [p for _, p in NOUNS if p not in ROLE_SET and p not in RESERVED]
QUALIFIERS = ["internal", "v1", "v2", "backends", "providers", "legacy", "shared", "batch",
              "streaming", "admin_api", "public", "contrib", "sql", "remote", "local"]
SINGULAR = {p: n for n, p in NOUNS}

VERBS = ["build", "load", "fetch", "parse", "validate", "normalize", "compute", "resolve",
         "render", "sync", "export", "merge", "apply", "dispatch", "schedule", "refresh",
         "reconcile", "summarize", "filter", "group", "index", "encode", "decode", "serialize",
         "register", "publish", "archive", "purge", "retry", "estimate", "score", "rank",
         "collect", "prepare", "enrich", "split", "chunk", "diff", "expire", "release", "notify",
         "format", "coerce", "match", "select", "count", "find", "lookup", "mark", "stage"]
OBJECTS = ["payload", "batch", "records", "snapshot", "summary", "metadata", "window", "events",
           "totals", "keys", "state", "history", "changes", "entries", "index", "counts"]
ADJS = ["active", "pending", "stale", "normalized", "effective", "latest", "archived", "billable",
        "visible", "expired", "primary", "cached", "failed", "scheduled", "verified", "draft",
        "outstanding", "duplicate", "orphaned", "recent"]
CONST_SUFFIX = [("LIMIT", "100"), ("TIMEOUT", "30.0"), ("PAGE_SIZE", "50"), ("TTL_SECONDS", "3600"),
                ("RETRY_COUNT", "3"), ("BATCH_SIZE", "500"), ("PREFIX", None), ("CHANNEL", None),
                ("REGION", '"eu-west-1"'), ("VERSION", '"2"'), ("MAX_ITEMS", "1000"),
                ("BACKOFF_SECONDS", "1.5"), ("CACHE_KEY", None), ("QUEUE", None)]
CLASS_SUFFIXES = ["Service", "Repository", "Client", "Handler", "Validator", "Serializer", "Mapper",
                  "Adapter", "Provider", "Registry", "Resolver", "Builder", "Coordinator", "Gateway",
                  "Processor", "Tracker", "Scheduler", "Worker", "Exporter", "Importer", "Loader",
                  "Index", "Store", "Policy", "Planner", "Reconciler", "Auditor", "Notifier"]
DATA_SUFFIXES = ["Record", "Snapshot", "Summary", "Request", "Response", "Result", "Filter",
                 "Settings", "Options", "Page", "Event", "Envelope", "Draft", "Delta", "Stats"]

# role -> ([(class pattern, kind)], [function patterns], number of constants)
ROLE_TEMPLATES: dict[str, tuple[list[tuple[str, str]], list[str], int]] = {
    "models": ([("{E}", "dataclass"), ("{E}Record", "dataclass"), ("{E}Status", "enum")],
               ["new_{n}_id", "{n}_from_row"], 1),
    "schemas": ([("{E}Schema", "dataclass"), ("{E}Request", "dataclass"), ("{E}Response", "dataclass")],
                ["validate_{n}_payload", "dump_{n}"], 1),
    "service": ([("{E}Service", "plain"), ("{E}ServiceError", "exception")], ["get_{n}_service"], 2),
    "repository": ([("{E}Repository", "plain"), ("InMemory{E}Repository", "plain")], ["{n}_table_name"], 1),
    "handlers": ([("{E}EventHandler", "plain"), ("{E}CommandHandler", "plain")], ["handle_{n}_created", "handle_{n}_deleted"], 1),
    "client": ([("{E}Client", "plain"), ("{E}ClientError", "exception")], ["default_{n}_client"], 2),
    "exceptions": ([("{E}Error", "exception"), ("{E}NotFoundError", "exception"), ("{E}ConflictError", "exception")], [], 0),
    "validators": ([("{E}Validator", "plain")], ["validate_{n}", "is_valid_{n}"], 1),
    "serializers": ([("{E}Serializer", "plain")], ["serialize_{n}", "deserialize_{n}"], 1),
    "tasks": ([("{E}SyncTask", "plain")], ["sync_{p}", "purge_stale_{p}", "rebuild_{n}_index"], 2),
    "constants": ([("{E}Kind", "enum")], [], 6),
    "enums": ([("{E}Kind", "enum"), ("{E}Status", "enum"), ("{E}Visibility", "enum")], [], 0),
    "exceptions_": ([], [], 0),
    "policies": ([("{E}RetentionPolicy", "plain"), ("{E}AccessPolicy", "plain")], ["default_{n}_policy"], 1),
    "events": ([("{E}Created", "dataclass"), ("{E}Updated", "dataclass"), ("{E}Deleted", "dataclass")], ["{n}_event_name"], 1),
    "commands": ([("Create{E}Command", "dataclass"), ("Update{E}Command", "dataclass")], ["apply_{n}_command"], 0),
    "queries": ([("{E}Query", "plain"), ("{E}QueryFilter", "dataclass")], ["find_{p}"], 1),
    "types": ([("{E}Like", "protocol"), ("{E}Source", "protocol"), ("{E}Ref", "dataclass")], [], 0),
    "registry": ([("{E}Registry", "plain")], ["get_{n}_registry"], 1),
    "cache": ([("{E}Cache", "plain")], ["{n}_cache_key"], 2),
    "settings": ([("{E}Settings", "dataclass")], ["load_{n}_settings"], 3),
    "scheduler": ([("{E}Scheduler", "plain")], ["next_{n}_run"], 2),
    "worker": ([("{E}Worker", "plain")], ["run_{n}_worker"], 2),
    "metrics": ([("{E}MetricsCollector", "plain")], ["record_{n}_latency"], 3),
    "permissions": ([("{E}Permission", "enum")], ["can_edit_{n}", "can_view_{n}"], 1),
    "state": ([("{E}State", "enum"), ("{E}StateMachine", "plain")], ["initial_{n}_state"], 0),
    "parsers": ([("{E}Parser", "plain"), ("{E}ParseError", "exception")], ["parse_{n}"], 1),
    "exporters": ([("{E}CsvExporter", "plain"), ("{E}JsonExporter", "plain")], ["export_{p}"], 1),
    "builders": ([("{E}Builder", "plain")], ["build_{n}"], 0),
    "factories": ([("{E}Factory", "plain")], ["make_{n}"], 0),
    "middleware": ([("{E}Middleware", "plain")], [], 1),
    "resolvers": ([("{E}Resolver", "plain")], ["resolve_{n}"], 1),
    "workflows": ([("{E}Workflow", "plain"), ("{E}Step", "dataclass")], ["start_{n}_workflow"], 1),
    "notifiers": ([("{E}Notifier", "plain")], ["notify_{n}_owner"], 1),
    "retry": ([("{E}RetryPolicy", "dataclass")], ["with_{n}_retry"], 2),
    "pagination": ([("{E}Page", "dataclass"), ("{E}Cursor", "dataclass")], ["paginate_{p}"], 1),
    "filters": ([("{E}FilterSet", "dataclass")], ["filter_{p}"], 0),
    "formatters": ([], ["format_{n}", "format_{n}_summary", "format_{n}_table"], 1),
    "utils": ([], ["chunk_{p}", "normalize_{n}_key", "merge_{n}_metadata", "{n}_checksum"], 2),
    "helpers": ([], ["coerce_{n}", "describe_{n}", "{n}_age_seconds"], 1),
    "selectors": ([], ["select_{p}", "select_active_{p}"], 0),
    "views": ([("{E}View", "plain")], ["list_{p}_view", "get_{n}_view"], 1),
    "routes": ([("{E}Router", "plain")], ["register_{n}_routes"], 2),
}
GENERIC_TEMPLATE = ([("{E}{S}", "plain"), ("{E}{D}", "dataclass")], ["{v}_{n}", "{v}_{n}_{o}"], 1)

ARG_POOL = [
    ("payload", "dict[str, Any]", None), ("records", "Iterable[dict[str, Any]]", None),
    ("limit", "int", "100"), ("user_id", "str", None), ("tenant_id", "str", '"default"'),
    ("since", "Optional[datetime]", "None"), ("strict", "bool", "False"), ("key", "str", None),
    ("items", "Sequence[Any]", None), ("timeout", "float", "30.0"),
    ("context", "Optional[Mapping[str, Any]]", "None"), ("batch_size", "int", "500"),
    ("dry_run", "bool", "False"), ("tags", "Optional[list[str]]", "None"),
    ("region", "str", '"eu-west-1"'), ("name", "str", None), ("options", "Optional[dict[str, Any]]", "None"),
]
RETURN_TYPES = ["dict[str, Any]", "list[dict[str, Any]]", "int", "bool", "Optional[str]", "str",
                "list[str]", "float", "None", "tuple[int, int]", "Optional[dict[str, Any]]"]

FIELD_POOL = [
    ("name", "str", None, 'str(data["name"])'),
    ("status", "str", '"active"', 'str(data.get("status", "active"))'),
    ("amount", "Decimal", 'Decimal("0")', 'Decimal(str(data.get("amount", "0")))'),
    ("count", "int", "0", 'int(data.get("count", 0))'),
    ("tags", "list[str]", "field(default_factory=list)", 'list(data.get("tags") or [])'),
    ("metadata", "dict[str, Any]", "field(default_factory=dict)", 'dict(data.get("metadata") or {})'),
    ("owner_id", "Optional[str]", "None", 'data.get("owner_id")'),
    ("enabled", "bool", "True", 'bool(data.get("enabled", True))'),
    ("priority", "int", "0", 'int(data.get("priority", 0))'),
    ("region", "str", '"eu-west-1"', 'str(data.get("region", "eu-west-1"))'),
    ("score", "float", "0.0", 'float(data.get("score", 0.0))'),
    ("updated_at", "Optional[datetime]", "None", 'data.get("updated_at")'),
    ("created_at", "datetime", "field(default_factory=lambda: datetime.now(timezone.utc))",
     'data.get("created_at") or datetime.now(timezone.utc)'),
    ("tenant_id", "str", None, 'str(data["tenant_id"])'),
    ("version", "int", "1", 'int(data.get("version", 1))'),
    ("description", "str", '""', 'str(data.get("description", ""))'),
    ("currency", "str", '"EUR"', 'str(data.get("currency", "EUR"))'),
    ("external_ref", "Optional[str]", "None", 'data.get("external_ref")'),
    ("retries", "int", "0", 'int(data.get("retries", 0))'),
    ("expires_at", "Optional[datetime]", "None", 'data.get("expires_at")'),
    ("source", "str", '"api"', 'str(data.get("source", "api"))'),
    ("labels", "dict[str, str]", "field(default_factory=dict)", 'dict(data.get("labels") or {})'),
]
ENUM_MEMBERS = ["ACTIVE", "PENDING", "ARCHIVED", "DELETED", "FAILED", "COMPLETED", "DRAFT",
                "SCHEDULED", "RUNNING", "CANCELLED", "EXPIRED", "SUSPENDED", "PUBLIC", "PRIVATE",
                "INTERNAL", "READ", "WRITE", "ADMIN", "LOW", "NORMAL", "HIGH", "URGENT"]

SENTENCES = [
    "Return the {adj} {p} for ``{arg}``.",
    "Build a {n} {o} from the raw payload.",
    "Compute the {adj} {n} totals used by the {area} dashboards.",
    "Resolve the {n} and normalise its metadata before it is persisted.",
    "Validate ``{arg}`` and raise :class:`ValueError` on the first problem.",
    "Look up the {adj} {p} in the cache before falling back to the database.",
    "Merge the incoming {n} {o} into the stored one; the newest write wins.",
    "Split the {p} into batches small enough for the downstream API.",
    "Count the {adj} {p} per tenant; used by the nightly report.",
    "Group {p} by status so that callers can render them as a table.",
    "Apply the retention policy to {adj} {p} older than the configured window.",
    "Publish a ``{n}.updated`` event once the change has been committed.",
    "Translate legacy {n} identifiers into the current format.",
    "Fetch the {n} {o} and fill in defaults for missing fields.",
    "Keep the {n} {o} ordered by creation time, oldest first.",
]
DOC_EXTRA = [
    "The result is deterministic for a given input, which keeps the tests simple.",
    "Callers are expected to hold no locks; the method acquires its own.",
    "This is on the hot path of the {area} API, so it avoids extra queries.",
    "Missing optional fields are filled with the documented defaults.",
    "Errors are logged and swallowed: a partial result is better than none here.",
    "See the {area} runbook for the operational background.",
    "Kept for backwards compatibility with the v1 {n} API.",
    "The {n} {o} is never mutated; a new object is returned instead.",
]
COMMENTS = [
    "# Keep this in sync with the {area} schema migration.",
    "# Normalise early so that comparisons below are cheap.",
    "# TODO: move this to the {n} repository once the migration is done.",
    "# The upstream API returns strings for numbers; coerce them here.",
    "# Fast path: nothing to do for an empty {o}.",
    "# Sorting keeps the output stable for snapshot tests.",
    "# NOTE: tenants on the legacy plan still send the old key names.",
    "# Defensive copy: callers keep a reference to the original mapping.",
    "# Bounded to avoid loading the whole table into memory.",
    "# Retried by the caller; do not retry here.",
]
MENTIONS = [
    "# Pushed to browsers over the websocket gateway; keep the payload small.",
    "# NOTE: websocket clients reconnect with backoff, so duplicate {n} events are expected.",
    "# The realtime layer owns the WebSocketManager; do not construct one here.",
    "# Old clients polled this endpoint before the WebSocket push existed.",
    "# websocket fan-out happens in the realtime package, not here.",
    "# A WebSocket manager per user was considered and rejected (see ADR-17).",
]
MENTION_STATEMENTS = [
    '{N}_WEBSOCKET_TOPIC = "{n}-updates"  # consumed by the websocket gateway',
    '_WS_METRIC = "websocket_manager.{n}.pushes"',
    '_REALTIME_HINT = "Subscribe over the WebSocket API to receive {n} changes."',
    'WEBSOCKET_PUSH_ENABLED = {flag}',
]
MENTION_DOC = [
    "Changes are broadcast to subscribed clients by the WebSocket manager.",
    "Live updates reach the browser through the websocket channel of the gateway.",
]

# --------------------------------------------------------------------------------------------
# The WebSocket family, as laid out in the fixture
# --------------------------------------------------------------------------------------------

# name -> (candidate modules with weights, how the name is used)
FAMILY: dict[str, tuple[list[tuple[str, int]], str, int]] = {
    "WebSocketManager": ([("websocket_manager", 8), ("canonical_import_patterns", 1), ("canonical_imports", 1)], "instance", 30),
    "UnifiedWebSocketManager": ([("unified_manager", 9), ("canonical_imports", 1)], "instance", 12),
    "CanonicalWebSocketManager": ([("canonical_imports", 1)], "instance", 8),
    "DynamicWebSocketManager": ([("canonical_imports", 1)], "instance", 5),
    "WebSocketManagerFactory": ([("websocket_manager_factory", 1)], "factory", 8),
    "WebSocketManagerAdapter": ([("migration_adapter", 1)], "instance", 7),
    "WebSocketManagerProtocol": ([("protocols", 1)], "protocol", 8),
    "WebSocketManagerInterface": ([("interfaces", 1)], "protocol", 5),
    "WebSocketManagerType": ([("types", 1)], "instance", 6),
    "EnhancedWebSocketManager": ([("canonical_import_patterns", 1)], "instance", 6),
    "SSOTValidatedWebSocketManager": ([("ssot_validation_enhancer", 1)], "instance", 5),
    # not in the brief's list, but real code guards the broken compat module like this
    "LegacyCompatWebSocketManager": ([("compat", 1)], "instance", 0),
}
BRIEF_NAMES = [n for n in FAMILY if n != "LegacyCompatWebSocketManager"]
PACKAGE_EXPORTS = ["WebSocketManager", "UnifiedWebSocketManager", "CanonicalWebSocketManager",
                   "DynamicWebSocketManager", "WebSocketManagerAdapter", "WebSocketManagerProtocol"]
NON_FAMILY = [("types", "MessageType"), ("types", "WebSocketMessage"), ("interfaces", "ConnectionInfo"),
              ("types", "WebSocketManagerMode"), ("unified_manager", "ConnectionLimitExceeded")]

# kind -> (weight in percent, allowed names or None for all brief names)
SITE_KINDS: dict[str, tuple[int, list[str] | None]] = {
    "lazy": (28, None),
    "absolute": (10, None),
    "absolute_as": (6, None),
    "relative": (8, None),
    "module_alias": (6, None),
    "plain_import": (4, None),
    "type_checking": (7, ["WebSocketManagerProtocol", "WebSocketManagerInterface", "WebSocketManagerType",
                          "UnifiedWebSocketManager", "WebSocketManager", "EnhancedWebSocketManager",
                          "WebSocketManagerAdapter"]),
    "try_except": (5, ["WebSocketManagerAdapter", "EnhancedWebSocketManager", "WebSocketManagerFactory",
                       "SSOTValidatedWebSocketManager", "DynamicWebSocketManager", "WebSocketManager",
                       "LegacyCompatWebSocketManager"]),
    "importlib": (4, None),
    "all_reexport": (4, None),
    "via_reexport": (3, None),
    "package": (7, PACKAGE_EXPORTS),
    "mock_patch": (8, None),
}
ALIASES = ["RealtimeManager", "WsManager", "SocketHub", "LiveConnections", "PushManager",
           "ConnectionHub", "RealtimeHub", "ClientChannels"]
MODULE_ALIASES = ["wsm", "ws_mod", "manager_module", "realtime_core", "ws_core", "socket_mod"]
SITE_FUNCTION_VERBS = ["open", "connect", "attach", "start", "build", "acquire", "bind"]
SITE_FUNCTION_OBJECTS = ["channel", "stream", "live_updates", "push_channel", "realtime_feed",
                         "notifier", "subscriptions"]

# stdlib names the templates use -> the import that provides them
STDLIB_FROM = {
    "Any": "typing", "Optional": "typing", "Iterable": "typing", "Iterator": "typing",
    "Mapping": "typing", "Sequence": "typing", "Callable": "typing", "ClassVar": "typing",
    "Protocol": "typing", "TYPE_CHECKING": "typing", "Union": "typing", "runtime_checkable": "typing",
    "datetime": "datetime", "timedelta": "datetime", "timezone": "datetime",
    "dataclass": "dataclasses", "field": "dataclasses", "asdict": "dataclasses", "replace": "dataclasses",
    "Enum": "enum", "Decimal": "decimal", "defaultdict": "collections", "Counter": "collections",
    "deque": "collections", "contextmanager": "contextlib", "lru_cache": "functools",
    "cached_property": "functools", "Path": "pathlib",
}
STDLIB_MODULES = ["json", "logging", "time", "re", "hashlib", "uuid", "os", "threading",
                  "itertools", "functools", "importlib", "warnings", "abc", "math"]
_STD_RE = re.compile(r"(?<![\w.])(" + "|".join(sorted(STDLIB_FROM)) + r")\b|(?<![\w.])("
                     + "|".join(STDLIB_MODULES) + r")\.")


# --------------------------------------------------------------------------------------------
# Phase 1: the shape of the repository (single process, cheap)
# --------------------------------------------------------------------------------------------


@dataclass
class Module:
    index: int
    parts: tuple[str, ...]  # ("netra", "billing", "invoices", "service")
    area: str
    noun: str
    plural: str
    entity: str
    role: str
    lines: int
    seed: int
    classes: list[tuple[str, str]] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)
    deps: list[int] = field(default_factory=list)
    cyclic: set[int] = field(default_factory=set)  # deps inside the same import cycle
    sites: list[dict] = field(default_factory=list)
    extras: list[tuple[str, str]] = field(default_factory=list)  # non-family websocket_core imports
    mention: bool = False
    # profile "zen" only
    zen_sites: list[dict] = field(default_factory=list)
    zen_mention: bool = False
    giant: bool = False
    giant_class: str = ""
    lazy_deps: set[int] = field(default_factory=set)   # dependencies imported inside a function

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)

    @property
    def package(self) -> tuple[str, ...]:
        return self.parts[:-1]

    @property
    def relpath(self) -> str:
        return "/".join(self.parts) + ".py"


@dataclass
class Package:
    parts: tuple[str, ...]
    children: list[str] = field(default_factory=list)
    sites: list[dict] = field(default_factory=list)
    area_start: int = 0
    aggregate: list[tuple[str, list[str]]] = field(default_factory=list)  # profile "zen": (submodule, names)

    @property
    def relpath(self) -> str:
        return "/".join(self.parts) + "/__init__.py"


def camel(word: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in word.split("_"))


def _unique(name: str, taken: set[str]) -> str:
    candidate, k = name, 2
    while candidate in taken:
        candidate = f"{name}{k}" if name[-1:].isalpha() and not name.isupper() else f"{name}_{k}"
        k += 1
    taken.add(candidate)
    return candidate


# target lines per module: a log-normal body plus a share of large modules; rendered files land
# near median 250 (small modules come out a little longer than their target)
LINES_MEDIAN, LINES_SIGMA, LINES_BIG_SHARE = 130, 1.1, 0.2


def build_layout(rng: Random, n_modules: int, top: str) -> tuple[list[Module], dict[tuple[str, ...], Package]]:
    """Packages (depth 2-5) and module paths, ordered foundation areas first."""
    n_packages = max(len(FOUNDATION_AREAS) + 3, round(n_modules / 9.5))
    areas = FOUNDATION_AREAS + rng.sample(AREAS, len(AREAS))
    n_areas = min(len(areas), max(len(FOUNDATION_AREAS) + 3, n_packages // 8))
    areas = areas[:n_areas]
    packages: dict[tuple[str, ...], Package] = {(top,): Package((top,))}
    by_area: dict[str, list[tuple[str, ...]]] = {}
    growable: list[tuple[str, ...]] = []
    for area in areas:
        key = (top, area)
        packages[key] = Package(key)
        packages[(top,)].children.append(area)
        by_area[area] = [key]
        growable.append(key)
    while len(packages) - 1 < n_packages:
        parent = rng.choice(growable)
        depth = len(parent)
        # bias towards depth 3-4 (netra/area/x, netra/area/x/y)
        if depth >= 4 and rng.random() < 0.6:
            continue
        kids = packages[parent].children
        pool = QUALIFIERS if depth >= 3 and rng.random() < 0.3 else SUBPACKAGE_NAMES
        name = rng.choice(pool)
        if name in kids:
            continue
        key = parent + (name,)
        packages[key] = Package(key)
        kids.append(name)
        by_area[parent[1]].append(key)
        if len(key) < 5:
            growable.append(key)
    # module counts per package, summing to n_modules
    pkg_order: list[tuple[str, ...]] = []
    for area in areas:
        pkg_order.extend(sorted(by_area[area]))
    weights = [rng.triangular(1.0, 20.0, 6.0) for _ in pkg_order]
    scale = n_modules / sum(weights)
    counts = [max(1, int(w * scale)) for w in weights]
    diff = n_modules - sum(counts)
    i = 0
    while diff != 0:
        j = i % len(counts)
        if diff > 0:
            counts[j] += 1
            diff -= 1
        elif counts[j] > 1:
            counts[j] -= 1
            diff += 1
        i += 1
    modules: list[Module] = []
    for key, count in zip(pkg_order, counts):
        taken = set(packages[key].children) | RESERVED | {"__init__"}
        last = key[-1]
        base_noun = SINGULAR.get(last) or SINGULAR.get(key[-2] if len(key) > 2 else "", "") or rng.choice(_NOUNS)
        for _ in range(count):
            noun = base_noun
            if rng.random() < 0.75:
                role = rng.choice(ROLES)
                name = role
                if name in taken:
                    noun = rng.choice(_NOUNS)
                    name = f"{noun}_{role}"
            else:
                noun = rng.choice(_NOUNS)
                role = rng.choice(ROLES)
                name = f"{noun}_{role}"
            name = _unique(name, taken)
            if rng.random() < LINES_BIG_SHARE:  # the few "god modules" every old code base has
                lines = rng.randint(700, 1500)
            else:
                lines = int(min(1500, max(52, math.exp(rng.gauss(math.log(LINES_MEDIAN), LINES_SIGMA)))))
            modules.append(Module(
                index=len(modules), parts=key + (name,), area=key[1], noun=noun, plural=_plural(noun),
                entity=camel(noun), role=role, lines=lines, seed=rng.getrandbits(64)))
    return modules, packages


def assign_names(rng: Random, mod: Module) -> None:
    """Public names of a module (decided up front so that importers can use them)."""
    classes_t, funcs_t, n_consts = ROLE_TEMPLATES.get(mod.role, GENERIC_TEMPLATE)
    E, n, p = mod.entity, mod.noun, mod.plural
    taken: set[str] = set()
    fmt = {"E": E, "n": n, "p": p}
    for pattern, kind in classes_t:
        fmt.update(S=rng.choice(CLASS_SUFFIXES), D=rng.choice(DATA_SUFFIXES))
        name = pattern.format(**fmt)
        if name not in taken:
            taken.add(name)
            mod.classes.append((name, kind))
    if mod.lines > 300 and rng.random() < 0.7:
        kind = rng.choice(["plain", "plain", "dataclass", "enum"])
        suffix = rng.choice(CLASS_SUFFIXES if kind == "plain" else DATA_SUFFIXES if kind == "dataclass" else ["Kind", "Mode", "Level"])
        mod.classes.append((_unique(E + suffix, taken), kind))
    for pattern in funcs_t:
        fmt.update(v=rng.choice(VERBS), o=rng.choice(OBJECTS))
        mod.functions.append(_unique(pattern.format(**fmt), taken))
    for _ in range(rng.randint(1, 3) if not funcs_t else rng.randint(0, 2)):
        mod.functions.append(_unique(f"{rng.choice(VERBS)}_{rng.choice([n, p])}_{rng.choice(OBJECTS)}", taken))
    for _ in range(n_consts):
        suffix, _value = rng.choice(CONST_SUFFIX)
        mod.constants.append(_unique(f"DEFAULT_{n.upper()}_{suffix}", taken))
    if mod.lines < 130:  # small module: a class or two and a function
        mod.classes = mod.classes[:1 if mod.lines < 90 else 2]
        mod.functions = mod.functions[:1]
        mod.constants = mod.constants[:2]


def build_graph(rng: Random, modules: list[Module]) -> dict:
    """3-15 imports per module, mostly to lower indices (acyclic), plus a few 2+-cycles."""
    n = len(modules)
    pkg_start: dict[tuple[str, ...], int] = {}
    area_start: dict[str, int] = {}
    for m in modules:
        pkg_start.setdefault(m.package, m.index)
        area_start.setdefault(m.area, m.index)
    foundation_end = max([m.index + 1 for m in modules if m.area in FOUNDATION_AREAS] or [1])
    for m in modules:
        i = m.index
        if i == 0:
            continue
        want = min(i, round(rng.triangular(3, 15, 6)))
        chosen: set[int] = set()
        attempts = 0
        while len(chosen) < want and attempts < want * 6:
            attempts += 1
            r = rng.random()
            if r < 0.35 and pkg_start[m.package] < i:
                j = rng.randint(pkg_start[m.package], i - 1)
            elif r < 0.60 and area_start[m.area] < i:
                j = rng.randint(area_start[m.area], i - 1)
            elif r < 0.85:
                j = rng.randint(0, min(foundation_end, i) - 1)
            else:
                j = rng.randint(0, i - 1)
            chosen.add(j)
        m.deps = sorted(chosen, reverse=True)
    # back edges: a module imports a sibling that already imports it
    n_back = max(1, n // 60)
    back = 0
    for m in rng.sample(modules, n):
        if back >= n_back:
            break
        siblings = [j for j in m.deps if modules[j].package == m.package and len(modules[j].deps) < 15]
        if not siblings:
            continue
        j = rng.choice(siblings)
        if m.index not in modules[j].deps:
            modules[j].deps.append(m.index)
            back += 1
    sccs = strongly_connected(modules)
    comp: dict[int, int] = {}
    for k, members in enumerate(sccs):
        for v in members:
            comp[v] = k
    for m in modules:
        m.cyclic = {j for j in m.deps if comp.get(j, -1) == comp.get(m.index, -2)}
    return {"back_edges": back, "cycles": len(sccs), "largest_cycle": max((len(s) for s in sccs), default=0),
            "modules_in_cycles": sum(len(s) for s in sccs)}


def strongly_connected(modules: list[Module]) -> list[list[int]]:
    """Non-trivial strongly connected components (iterative Tarjan)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    result: list[list[int]] = []
    counter = 0
    for root in range(len(modules)):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, pos = work.pop()
            if pos == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            deps = modules[v].deps
            recurse = False
            while pos < len(deps):
                w = deps[pos]
                pos += 1
                if w not in index:
                    work.append((v, pos))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                members = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    members.append(w)
                    if w == v:
                        break
                if len(members) > 1:
                    result.append(sorted(members))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return result


def reach(modules: list[Module], start: int, cap: float = math.inf) -> set[int]:
    """Every module `start` imports, directly or not (itself included); or the first `cap` + 1 found."""
    seen = {start}
    todo = [start]
    while todo:
        for j in modules[todo.pop()].deps:
            if j not in seen:
                seen.add(j)
                if len(seen) > cap:
                    return seen
                todo.append(j)
    return seen


def closure_size(modules: list[Module], start: int, cap: int) -> int:
    return len(reach(modules, start, cap))


def _weighted_cycle(rng: Random, names: list[str]):
    """Every allowed name once (shuffled), then weighted draws."""
    first = names[:]
    rng.shuffle(first)
    yield from first
    weights = [max(1, FAMILY[n][2]) for n in names]
    while True:
        yield rng.choices(names, weights)[0]


def _module_for(rng: Random, name: str) -> str:
    options, _usage, _w = FAMILY[name]
    return rng.choices([m for m, _ in options], [w for _, w in options])[0]


def plan_sites(rng: Random, modules: list[Module], packages: dict, n_sites: int, top: str) -> dict:
    """Decide every family import site: kind, name, target module, host file."""
    kinds = list(SITE_KINDS)
    raw = [n_sites * SITE_KINDS[k][0] / 100 for k in kinds]
    counts = {k: int(r) for k, r in zip(kinds, raw)}
    for k, _ in sorted(zip(kinds, raw), key=lambda kr: kr[1] - int(kr[1]), reverse=True):
        if sum(counts.values()) >= n_sites:
            break
        counts[k] += 1
    if counts["via_reexport"] and not counts["all_reexport"]:
        counts["all_reexport"], counts["via_reexport"] = 1, counts["via_reexport"] - 1

    eligible = [m for m in modules if m.index > 5]
    taken_fn: dict[int, set[str]] = {}

    def fn_name(m: Module) -> str:
        taken = taken_fn.setdefault(m.index, set(m.functions) | {c for c, _ in m.classes})
        obj = rng.choice([o for o in SITE_FUNCTION_OBJECTS if m.noun not in o])
        return _unique(f"{rng.choice(SITE_FUNCTION_VERBS)}_{m.noun}_{obj}", taken)

    # smoke-test consumers: small import closure, outside any cycle
    smoke: list[Module] = []
    for cap, distinct in ((60, True), (150, False), (400, False)):
        for m in eligible:
            if len(smoke) == 3:
                break
            if m in smoke or m.cyclic or any(m.index in modules[j].cyclic for j in m.deps):
                continue
            if distinct and any(s.area == m.area for s in smoke):
                continue
            if closure_size(modules, m.index, cap) <= cap:
                smoke.append(m)
    smoke_kinds = ["absolute", "lazy", "module_alias"]
    smoke_names = ["WebSocketManager", "WebSocketManagerFactory", "CanonicalWebSocketManager"]

    name_iters = {k: _weighted_cycle(rng, SITE_KINDS[k][1] or BRIEF_NAMES) for k in kinds}
    hosts = rng.sample(eligible, min(len(eligible), max(1, int(n_sites * 0.8))))
    host_iter = iter(hosts * 3)
    sites: list[dict] = []

    def new_site(kind: str, name: str | None = None) -> dict:
        name = name or next(name_iters[kind])
        return {"kind": kind, "name": name, "module": _module_for(rng, name), "variant": rng.random()}

    for k, (m, name) in enumerate(zip(smoke, smoke_names)):
        if counts[smoke_kinds[k]] == 0:
            continue
        counts[smoke_kinds[k]] -= 1
        site = new_site(smoke_kinds[k], name)
        site["module"] = {"WebSocketManager": "websocket_manager"}.get(name, site["module"])
        site["function"] = fn_name(m)
        site["form"] = "function"
        site["smoke"] = True
        m.sites.append(site)
        site["file"] = m.relpath
        sites.append(site)

    # package __init__ re-exports (and modules with __all__), then imports through them
    reexport_pkgs = [p for key, p in packages.items() if len(key) >= 2 and key[1] not in RESERVED]
    reexports: list[tuple[Package | Module, dict]] = []
    for _ in range(counts["all_reexport"]):
        site = new_site("all_reexport")
        if rng.random() < 0.7 and reexport_pkgs:
            host: Package | Module = rng.choice(reexport_pkgs)
            site["file"] = host.relpath
        else:
            host = next(host_iter)
            site["file"] = host.relpath
        if any(s["name"] == site["name"] for s in host.sites if s["kind"] == "all_reexport"):
            site["name"] = rng.choice([n for n in BRIEF_NAMES if n not in {s["name"] for s in host.sites}])
            site["module"] = _module_for(rng, site["name"])
        host.sites.append(site)
        sites.append(site)
        reexports.append((host, site))
    via_candidates = [(h, s) for h, s in reexports if isinstance(h, Package)] or reexports
    for _ in range(counts["via_reexport"]):
        host_via, via_site = rng.choice(via_candidates)
        m = next(host_iter)
        via = ".".join(host_via.parts)
        if via == m.dotted or m.package == host_via.parts:
            m = next(host_iter)
        site = {"kind": "via_reexport", "name": via_site["name"], "module": via_site["module"],
                "via": via, "variant": rng.random(), "file": m.relpath}
        m.sites.append(site)
        sites.append(site)

    mock_sites: list[dict] = []
    for kind in kinds:
        if kind in ("all_reexport", "via_reexport"):
            continue
        for _ in range(counts[kind]):
            site = new_site(kind)
            if kind == "package":
                site["module"] = ""
            if kind == "mock_patch":
                mock_sites.append(site)
                sites.append(site)
                continue
            m = next(host_iter)
            if kind in ("lazy", "absolute", "absolute_as", "relative", "module_alias", "plain_import",
                        "try_except", "importlib", "package", "via_reexport", "type_checking"):
                site["function"] = fn_name(m)
                site["form"] = "method" if kind == "lazy" and rng.random() < 0.35 else "function"
                if site["form"] == "method":
                    site["class"] = _unique(f"{m.entity}{rng.choice(['LiveUpdates', 'PushChannel', 'RealtimeBridge', 'Broadcaster'])}",
                                            taken_fn.setdefault(m.index, set()))
            site["file"] = m.relpath
            m.sites.append(site)
            sites.append(site)
    # every family name gets at least one site (when there are enough sites)
    counts_by_name = Counter(s["name"] for s in sites)
    for name in BRIEF_NAMES:
        if counts_by_name[name]:
            continue
        for s in sites:
            if s["kind"] in ("lazy", "absolute", "importlib", "mock_patch") and not s.get("smoke") \
                    and counts_by_name[s["name"]] > 1:
                counts_by_name[s["name"]] -= 1
                counts_by_name[name] += 1
                s["name"], s["module"] = name, _module_for(rng, name)
                break
    for s in sites:
        if s["kind"] == "via_reexport":
            m_index = next(m.index for m in modules if m.relpath == s["file"])
            s["function"] = fn_name(modules[m_index])
            s["form"] = "function"
    # non-family imports from websocket_core (types, records): not counted as family sites
    for m in rng.sample(eligible, min(len(eligible), max(1, n_sites // 6))):
        m.extras.append(rng.choice(NON_FAMILY))
    return {"sites": sites, "mock_sites": mock_sites, "smoke": smoke}


# --------------------------------------------------------------------------------------------
# Profile "zen": what makes the seed's real repository expensive (off by default)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """Proportions of a profile, as shares of the generated modules (or packages)."""
    name: str
    package_share: float          # modules that name the family's package (imports, strings, comments)
    import_share: float           # of those, the share with real family imports (the rest: strings/comments)
    sites_per_host: tuple[int, int]
    refs_per_site: tuple[int, int]  # references to the imported name in the site's function
    function_level: float         # family imports inside functions (the rest at module level)
    deps_function_level: float    # other imports of generated modules made inside a function
    chain_share: float            # of the function-level ones: `import pkg.websocket_core.mod` + attribute chains
    family_hub: tuple[str, str, float]  # (module, name, share of modules importing it)
    hubs: tuple[float, ...]       # fan-in of the hub modules, as shares of the modules
    aggregator_share: float       # packages whose __init__ imports every submodule in try/except ImportError
    doubles_share: float          # test doubles named like the family, per module
    giant_share: float            # modules of 3,000+ lines: one big class, a few methods name the family
    giant_lines: tuple[int, int]


# From the brief of issue 20 (netra-systems/zen at 1d0af0f4, 10,781 Python files): ~6,000 files name
# the family's package, ~47,000 references over ~5,600 files, a family module imported by ~800 files and
# other modules by up to ~1,360, __init__ files that import everything in try/except ImportError, ~100
# test doubles, files of 3,000+ lines, imports inside functions outnumbering module-level ones.
PROFILES = {
    "zen": Profile(name="zen", package_share=0.55, import_share=0.85, sites_per_host=(1, 2), refs_per_site=(3, 10),
                   function_level=0.62, deps_function_level=0.32, chain_share=0.3,
                   family_hub=("canonical_import_patterns", "WebSocketManager", 0.076),
                   hubs=(0.126, 0.10, 0.048, 0.046, 0.041), aggregator_share=0.02, doubles_share=0.0104,
                   giant_share=0.0025, giant_lines=(3000, 4200)),
}
DOUBLE_PREFIXES = [("Mock", 12), ("Fake", 4), ("Test", 3), ("Stub", 2), ("Dummy", 1), ("Recording", 1),
                   ("Failing", 1), ("InMemory", 1)]
DOUBLE_BASES = [("WebSocketManager", 10), ("UnifiedWebSocketManager", 3), ("WebSocketManagerFactory", 2),
                ("WebSocketManagerAdapter", 1), ("EnhancedWebSocketManager", 1)]
ZEN_MENTIONS = [
    "# Live updates are delivered by the websocket_core package; nothing to push from here.",
    "# NOTE: websocket_core owns the connections (see its unified manager), never cache them here.",
]
ZEN_MENTION_STATEMENTS = [
    '_REALTIME_PACKAGE = "websocket_core"  # where live {n} updates are pushed from',
    '_REALTIME_HINT = "{n} changes reach the browser through websocket_core."',
]
ZEN_REF_FORMS = 6   # the kinds of reference line `Gen.zen_refs` writes (each names the family once)


def _weighted(rng: Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], [w for _, w in pairs])[0]


def add_hubs(rng: Random, modules: list[Module], shares: tuple[float, ...]) -> list[int]:
    """A few early modules outside every cycle that a large share of the later modules import.

    An importer is never one the hub reaches, so the import graph gains no cycle."""
    in_cycle = {j for m in modules for j in m.cyclic} | {m.index for m in modules if m.cyclic}
    early = [m for m in modules[: max(len(shares) * 4, len(modules) // 10)] if m.index not in in_cycle]
    early.sort(key=lambda m: (len(reach(modules, m.index)), m.index))
    hubs: list[int] = []
    for m in early:
        if len(hubs) == len(shares):
            break
        if all(modules[h].package != m.package for h in hubs):
            hubs.append(m.index)
    for hub, share in zip(hubs, shares):
        blocked = reach(modules, hub)
        later = [m for m in modules if m.index > hub and m.index not in blocked and hub not in m.deps]
        for m in rng.sample(later, min(len(later), round(len(modules) * share))):
            m.deps = sorted(m.deps + [hub], reverse=True)
    return hubs


def _site_fn(rng: Random, m: Module, taken: dict[int, set[str]]) -> str:
    names = taken.setdefault(m.index, set(m.functions) | {c for c, _ in m.classes} | set(m.constants)
                             | {s[k] for s in m.sites for k in ("function", "class") if k in s})
    obj = rng.choice([o for o in SITE_FUNCTION_OBJECTS if m.noun not in o])
    return _unique(f"{rng.choice(SITE_FUNCTION_VERBS)}_{m.noun}_{obj}", names)


def _zen_site(rng: Random, profile: Profile, name: str, module: str) -> dict:
    if rng.random() < profile.function_level:
        kind = "fn_chain" if rng.random() < profile.chain_share else "fn_import"
    else:
        kind = "top_import"
    return {"kind": kind, "name": name, "module": module, "refs": rng.randint(*profile.refs_per_site),
            "level": "module" if kind == "top_import" else "function"}


def family_modules() -> dict[str, list[str]]:
    """Each family module -> the family names it provides (the names of the brief)."""
    provides: dict[str, list[str]] = {}
    for name in BRIEF_NAMES:
        for module, _weight in FAMILY[name][0]:
            provides.setdefault(module, []).append(name)
    return provides


def plan_zen_sites(rng: Random, modules: list[Module], profile: Profile) -> list[dict]:
    """Family imports (mostly inside functions) and references in `import_share` of the package's
    mentions; strings and comments naming the package in the rest. Giants are chosen among the importers."""
    free = [m for m in modules if not any(s.get("smoke") for s in m.sites)]
    chosen = rng.sample(free, min(len(free), round(len(modules) * profile.package_share)))
    importers = chosen[: round(len(chosen) * profile.import_share)]
    for m in chosen[len(importers):]:
        m.zen_mention = True
    hub_module, hub_name, hub_share = profile.family_hub
    n_hub = round(len(modules) * hub_share)
    provides = family_modules()
    others = sorted(m for m in provides if m != hub_module)
    taken: dict[int, set[str]] = {}
    sites: list[dict] = []
    for k, m in enumerate(importers):
        wanted = rng.randint(*profile.sites_per_host)
        pairs: list[tuple[str, str]] = [(hub_name, hub_module)] if k < n_hub else []
        while len(pairs) < wanted:   # the other family modules alike (none rivals the hub)
            module = rng.choice(others)
            name = rng.choice(provides[module])
            if all(p[0] != name for p in pairs):
                pairs.append((name, module))
        for name, module in pairs:
            site = _zen_site(rng, profile, name, module)
            site["function"] = _site_fn(rng, m, taken)
            site["form"] = "function"
            site["file"] = m.relpath
            m.zen_sites.append(site)
            sites.append(site)
    n_giants = max(1, round(len(modules) * profile.giant_share))
    for m in rng.sample(importers, min(len(importers), n_giants)):
        m.giant = True
        m.lines = rng.randint(*profile.giant_lines)
        m.giant_class = _unique(f"{m.entity}Engine", taken.setdefault(m.index, set()))
        for site in m.zen_sites:
            site["form"] = "method"
            site["class"] = m.giant_class
    return sites


def plan_aggregators(packages: dict[tuple[str, ...], Package], modules: list[Module], share: float) -> list[Package]:
    """The largest packages' __init__ files import every submodule's public names in try/except ImportError."""
    direct: dict[tuple[str, ...], list[Module]] = {}
    for m in modules:
        direct.setdefault(m.package, []).append(m)
    eligible = [key for key in packages if len(key) >= 2 and key[1] not in RESERVED and direct.get(key)]
    eligible.sort(key=lambda key: (-len(direct[key]), key))
    chosen = eligible[: max(2, round(len(packages) * share))]
    for key in chosen:
        pkg = packages[key]
        reserved = set(pkg.children) | {m.parts[-1] for m in direct[key]} | {s["name"] for s in pkg.sites}
        for m in direct[key]:
            names = [n for n in [c for c, _ in m.classes] + m.functions + m.constants if n not in reserved][:3]
            if names:
                pkg.aggregate.append((m.parts[-1], names))
    return [packages[key] for key in chosen]


ZEN_KINDS = ("fn_import", "fn_chain", "top_import")


def plan_profile(rng: Random, modules: list[Module], packages: dict[tuple[str, ...], Package],
                 profile: Profile) -> dict:
    """Everything a profile adds to the planned tree: hub imports, family sites, aggregating
    __init__ files, test doubles (to write), giant modules (marked on their modules)."""
    hubs = add_hubs(rng, modules, profile.hubs)
    for m in modules:
        m.lazy_deps = {j for j in m.deps if rng.random() < profile.deps_function_level}
    return {"hubs": hubs,
            "sites": plan_zen_sites(rng, modules, profile),
            "aggregators": plan_aggregators(packages, modules, profile.aggregator_share),
            "doubles": plan_doubles(rng, modules, profile.doubles_share)}


def plan_doubles(rng: Random, modules: list[Module], share: float) -> list[dict]:
    """Test doubles named like the family, in test files and in a test helper package (outside the
    application package, as in the seed's repository)."""
    count = max(4, round(len(modules) * share))
    doubles: list[dict] = []
    taken_files: set[str] = set()
    helper_files = [f"test_framework/fixtures/{name}.py" for name in ("websocket_doubles", "realtime_fakes")]
    while len(doubles) < count:
        if rng.random() < 0.2:
            path = rng.choice(helper_files)
        else:
            area, noun = rng.choice(modules).area, rng.choice(_NOUNS)
            path = f"tests/{_unique(f'test_{area}_{noun}_realtime_doubles', taken_files)}.py"
        taken = {d["name"] for d in doubles if d["file"] == path}
        for _ in range(rng.randint(1, 3)):
            if len(doubles) == count:
                break
            name = _unique(_weighted(rng, DOUBLE_PREFIXES) + _weighted(rng, DOUBLE_BASES), taken)
            doubles.append({"file": path, "name": name})
    return doubles


# --------------------------------------------------------------------------------------------
# Phase 2: rendering one module (runs in worker processes)
# --------------------------------------------------------------------------------------------

_STATE: dict = {}


class Gen:
    """Renders the text of one module from its spec."""

    def __init__(self, mod: Module, modules: list[Module], top: str) -> None:
        self.m = mod
        self.mods = modules
        self.top = top
        self.r = Random(mod.seed)
        self.E, self.n, self.p = mod.entity, mod.noun, mod.plural
        self.bound: set[str] = {c for c, _ in mod.classes} | set(mod.functions) | set(mod.constants)
        self.bound |= {s[k] for s in mod.sites + mod.zen_sites for k in ("function", "class") if k in s}
        self.fam_bound: dict[str, str] = {}  # family name -> where it was imported from
        self.refs: list[tuple[str, str]] = []  # (expression, kind) usable inside functions
        self.pending: list[tuple[str, str]] = []  # refs not used yet
        self.local_funcs: list[str] = []
        self.lazy_blocks: list[list[str]] = []   # profile "zen": functions that import a dependency
        self.local_plain: list[str] = []
        self.local_exceptions: list[str] = []
        self.small = mod.lines < 150
        self.fmt = {"n": self.n, "p": self.p, "E": self.E, "area": mod.area, "N": self.n.upper()}

    # -- small helpers ---------------------------------------------------------------------
    def sentence(self, arg: str = "payload") -> str:
        r = self.r
        return r.choice(SENTENCES).format(adj=r.choice(ADJS), o=r.choice(OBJECTS), arg=arg, **self.fmt)

    def docstring(self, ind: str, arg: str = "payload", long: bool = False, args=()) -> list[str]:
        r = self.r
        first = self.sentence(arg)
        if not long and (self.small or r.random() < 0.55):
            return [f'{ind}"""{first}"""']
        out = [f'{ind}"""{first}', ""]
        out.append(ind + r.choice(DOC_EXTRA).format(o=r.choice(OBJECTS), **self.fmt))
        if args and r.random() < 0.6:
            out += ["", f"{ind}Args:"]
            for name, _t, _d in args:
                out.append(f"{ind}    {name}: the {r.choice(ADJS)} {name.replace('_', ' ')} of the {self.n}.")
        if args and r.random() < 0.4:
            out += ["", f"{ind}Returns:", (f"{ind}    The {r.choice(ADJS)} {self.n} {r.choice(OBJECTS)}, or an empty value when "
                                           f"there is nothing to {r.choice(VERBS)} for this "
                                           f"{r.choice(['tenant', 'user', 'request', 'window'])}.")]
        if r.random() < 0.3:
            out += ["", f"{ind}Raises:", f"{ind}    ValueError: if the {self.n} {r.choice(OBJECTS)} is malformed."]
        out.append(f'{ind}"""')
        return out

    def comment(self, ind: str) -> str:
        r = self.r
        if self.m.mention and r.random() < 0.15:
            return ind + r.choice(MENTIONS).format(**self.fmt)
        return ind + r.choice(COMMENTS).format(o=r.choice(OBJECTS), **self.fmt)

    def ref(self, kinds: tuple[str, ...] = ("func", "class", "const")) -> tuple[str, str] | None:
        for k in range(len(self.pending) - 1, -1, -1):
            if self.pending[k][1] in kinds:
                return self.pending.pop(k)
        cands = [x for x in self.refs if x[1] in kinds]
        return self.r.choice(cands) if cands else None

    # -- statements inside a function body -------------------------------------------------
    def statements(self, ind: str, args: list[str], ret: str, in_method: bool) -> list[str]:
        r = self.r
        out: list[str] = []
        n, p = self.n, self.p
        arg = args[0] if args else None
        for _ in range(r.randint(1, 2) if self.small else r.randint(2, 5)):
            t = r.randrange(21)
            if t >= 16:
                out += self.long_statement(ind, args, in_method)
            elif t == 0 and arg:
                out += [f"{ind}if not {arg}:", f'{ind}    raise ValueError("{arg} must not be empty for {n} processing")']
            elif t == 1:
                acc = r.choice(["results", "rows", "collected", "matches", "selected"])
                src = r.choice([a for a in args if a in ("records", "items")] or ["self._items.values()" if in_method else "()"])
                key = r.choice(FIELD_POOL)[0]
                out += [f"{ind}{acc}: list[dict[str, Any]] = []", f"{ind}for item in {src}:",
                        f'{ind}    if not item or item.get("{key}") is None:', f"{ind}        continue",
                        f'{ind}    {acc}.append({{"id": item.get("id"), "{key}": item["{key}"], "{n}_ref": item.get("{n}_id")}})']
                if r.random() < 0.5:
                    out.append(f"{ind}{acc}.sort(key=lambda row: str(row.get(\"id\") or \"\"))")
            elif t == 2:
                out += [f"{ind}raw = {arg or 'None'}", f"{ind}try:",
                        f"{ind}    decoded = json.loads(raw) if isinstance(raw, (str, bytes)) else raw",
                        f"{ind}except (TypeError, ValueError) as exc:",
                        f'{ind}    logger.warning("could not decode {n} {r.choice(OBJECTS)}: %s", exc)',
                        f"{ind}    decoded = None"]
            elif t == 3:
                ref = self.ref(("func",))
                if ref:
                    out += [f"{ind}{r.choice(['resolved', 'prepared', 'normalized', 'outcome'])} = {ref[0]}({arg or ''})"]
                else:
                    out.append(self.comment(ind))
            elif t == 4:
                ref = self.ref(("class",))
                if ref:
                    var = r.choice(["helper", "delegate", "backend", "collaborator", "other"])
                    out += [f"{ind}{var} = {ref[0]}()  # type: ignore[call-arg]",
                            f'{ind}logger.debug("{n}: delegating to %s", type({var}).__name__)']
                else:
                    out.append(self.comment(ind))
            elif t == 5:
                ref = self.ref(("const",))
                bound = ref[0] if ref else str(r.choice([10, 50, 100, 250, 1000]))
                out += [f"{ind}max_items = min(int({bound}), {r.choice([100, 500, 1000, 5000])})",
                        f"{ind}if max_items <= 0:", f"{ind}    return {self.default_return(ret)}"]
            elif t == 6:
                out += [f"{ind}started = time.monotonic()",
                        f'{ind}elapsed_ms = (time.monotonic() - started) * 1000.0',
                        f'{ind}if elapsed_ms > {r.choice([50, 100, 250, 500])}:',
                        f'{ind}    logger.info("slow {n} {r.choice(OBJECTS)}: %.1f ms", elapsed_ms)']
            elif t == 7:
                key = r.choice(FIELD_POOL)[0]
                out += [f"{ind}by_{key}: defaultdict[str, list[Any]] = defaultdict(list)",
                        f"{ind}for entry in {r.choice([a for a in args if a in ('records', 'items')] or ['[]'])}:",
                        f'{ind}    by_{key}[str(getattr(entry, "{key}", None) or "unknown")].append(entry)']
            elif t == 8:
                out += [self.comment(ind), f"{ind}snapshot = {{",
                        f'{ind}    "{n}": {arg or "None"},', f'{ind}    "generated_at": datetime.now(timezone.utc).isoformat(),',
                        f'{ind}    "version": {r.randint(1, 9)},', f"{ind}}}"]
            elif t == 9 and in_method:
                out += [f"{ind}with self._lock:", f"{ind}    cached = self._items.get(str({arg or 'id(self)'}))",
                        f"{ind}    if cached is not None:", f"{ind}        self._hits += 1"]
            elif t == 10:
                out += [f"{ind}digest = hashlib.sha256(repr({arg or 'self' if in_method else arg or '0'}).encode()).hexdigest()[:{r.choice([8, 12, 16])}]",
                        f'{ind}cache_key = f"{n}:{{digest}}"']
            elif t == 11 and self.local_funcs:
                fn = r.choice(self.local_funcs)
                out += [f"{ind}partial = {fn}({arg or ''})", f"{ind}if partial is None:",
                        f'{ind}    logger.debug("{fn} returned nothing for the {n}")']
            elif t == 12:
                out += [f"{ind}deadline = datetime.now(timezone.utc) - timedelta(days={r.choice([1, 7, 30, 90])})",
                        f"{ind}expired = [", f"{ind}    value",
                        f"{ind}    for value in {r.choice([a for a in args if a in ('records', 'items')] or ['()'])}",
                        f'{ind}    if getattr(value, "created_at", deadline) < deadline', f"{ind}]"]
            elif t == 13:
                out += [f"{ind}counts = Counter(", f'{ind}    str(row.get("status", "unknown")) for row in {r.choice([a for a in args if a in ("records", "items")] or ["[]"])}',
                        f"{ind})", f'{ind}logger.debug("{p} by status: %s", dict(counts))']
            elif t == 14 and self.local_exceptions:
                exc = r.choice(self.local_exceptions)
                out += [f"{ind}if {arg or 'None'} is None:", f'{ind}    raise {exc}("no {n} {r.choice(OBJECTS)} available")']
            else:
                out.append(self.comment(ind))
                out.append(f"{ind}{r.choice(['attempts', 'remaining', 'offset', 'retries'])} = {r.randint(0, 5)}")
        return out

    def long_statement(self, ind: str, args: list[str], in_method: bool) -> list[str]:
        """Statements with the long lines formatted code is full of (calls, logs, conditions)."""
        r = self.r
        n, p = self.n, self.p
        arg = args[0] if args else "None"
        t = r.randrange(6)
        if t == 0:
            return [f"{ind}started_at = time.monotonic()", f'{ind}logger.info(', f'{ind}    "{n} {r.choice(OBJECTS)} processed: %d {p} in %.2fs (tenant=%s, strict=%s)",',
                    f"{ind}    len({r.choice([a for a in args if a in ('records', 'items')] or ['()'])}),",
                    f"{ind}    time.monotonic() - started_at,",
                    f'{ind}    {"tenant_id" if "tenant_id" in args else repr(self.m.area)},', f"{ind}    {'strict' if 'strict' in args else 'False'},", f"{ind})"]
        if t == 1:
            ref = self.ref(("func",))
            target = ref[0] if ref else (r.choice(self.local_funcs) if self.local_funcs else "dict")
            kw = r.sample([("tenant_id", '"default"'), ("timeout", "30.0"), ("limit", "100"), ("dry_run", "False"),
                           ("region", '"eu-west-1"'), ("batch_size", "500"), ("strict", "False")], r.randint(2, 4))
            return [f"{ind}{r.choice(['response', 'result', 'summary', 'outcome'])} = {target}(", f"{ind}    {arg},"] + [
                f"{ind}    {k}={k if k in args else v}," for k, v in kw] + [f"{ind})"]
        if t == 2:
            statuses = ", ".join(f'"{x.lower()}"' for x in r.sample(ENUM_MEMBERS, 3))
            return [f'{ind}if isinstance({arg}, Mapping) and {arg}.get("status") in {{{statuses}}}:',
                    f'{ind}    logger.debug("{n} %s is %s; skipping the {r.choice(ADJS)} path", {arg}.get("id"), {arg}.get("status"))']
        if t == 3:
            return [f"{ind}ordered = sorted(", f"{ind}    {r.choice([a for a in args if a in ('records', 'items')] or ['[]'])},",
                    f'{ind}    key=lambda row: (getattr(row, "priority", 0), str(getattr(row, "created_at", "") or "")),',
                    f"{ind}    reverse={r.choice(['True', 'False'])},", f"{ind})"]
        if t == 4:
            tenant = "tenant_id" if "tenant_id" in args else repr(self.m.area)
            return [(f'{ind}message = f"{n} {{{arg}!r}} could not be {r.choice(["synced", "exported", "validated", "archived"])} '
                     f'for tenant {{{tenant}}}; will retry later"'),
                    f"{ind}logger.warning(message)"]
        return [f"{ind}payload_size = sum(len(str(value)) for value in ({arg} or {{}}).values()) if isinstance({arg}, dict) else 0",
                f"{ind}if payload_size > {r.choice([4096, 65536, 1048576])}:",
                f'{ind}    raise ValueError(f"{n} payload too large: {{payload_size}} bytes (limit {r.choice([4096, 65536, 1048576])})")']

    @staticmethod
    def default_return(ret: str) -> str:
        if ret.startswith(("Optional", "None")):
            return "None"
        return {"int": "0", "bool": "False", "str": '""', "float": "0.0", "list[str]": "[]",
                "tuple[int, int]": "(0, 0)"}.get(ret, "{}" if ret.startswith("dict") else "[]")

    def signature_args(self) -> list[tuple[str, str, str | None]]:
        r = self.r
        chosen = r.sample(ARG_POOL, r.choice([0, 1, 1, 2, 2, 3, 4]))
        return [a for a in chosen if a[2] is None] + [a for a in chosen if a[2] is not None]

    def function(self, name: str, ind: str, method: bool = False) -> list[str]:
        r = self.r
        args = self.signature_args()
        ret = r.choice(RETURN_TYPES)
        params = (["self"] if method else []) + [f"{a}: {t}" + (f" = {d}" if d is not None else "") for a, t, d in args]
        head = f"{ind}def {name}({', '.join(params)}) -> {ret}:"
        out: list[str] = []
        if method and r.random() < 0.12:
            out.append(f"{ind}@property" if not args else f"{ind}@functools.lru_cache(maxsize=256)")
            if not args:
                head = f"{ind}def {name}(self) -> {ret}:"
        if len(head) > 100:
            out.append(f"{ind}def {name}(")
            out += [f"{ind}    {p}," for p in params]
            out.append(f"{ind}) -> {ret}:")
        else:
            out.append(head)
        body = ind + "    "
        out += self.docstring(body, args[0][0] if args else "payload", long=r.random() < 0.35, args=args)
        out += self.statements(body, [a for a, _, _ in args], ret, method)
        if ret == "None":
            out.append(f'{body}logger.debug("{name} finished")')
        elif ret == "dict[str, Any]" and r.random() < 0.5:
            out += [f"{body}return {{", f'{body}    "{self.n}": {args[0][0] if args else "None"},',
                    f'{body}    "status": "{r.choice(["ok", "partial", "skipped"])}",', f"{body}}}"]
        else:
            out.append(f"{body}return {self.default_return(ret)}")
        out.append("")
        return out

    # -- top-level blocks --------------------------------------------------------------------
    def cls_plain(self, name: str) -> list[str]:
        r = self.r
        base = ""
        ref = self.ref(("class",)) if r.random() < 0.15 else None
        if ref and ref[1] == "class" and "." not in ref[0] and ref[0] in self.base_ok:
            base = f"({ref[0]})"
        else:
            if ref:
                self.pending.append(ref)  # not usable as a base class: keep it for the function bodies
            if self.local_plain and r.random() < 0.1:
                base = f"({r.choice(self.local_plain)})"
        out = [f"class {name}{base}:"]
        out += self.docstring("    ", long=True)
        out.append("")
        if r.random() < 0.4:
            const, value = r.choice(CONST_SUFFIX)
            out += [f"    {const}: ClassVar[{'str' if value is None or value.startswith(chr(34)) else 'float' if '.' in value else 'int'}] = {value or repr(self.n + '.' + const.lower())}", ""]
        dep_arg = f"{self.n}_source"
        out += [f"    def __init__(self, {dep_arg}: Optional[Any] = None, *, strict: bool = False) -> None:",
                f"        self._source = {dep_arg}", "        self._strict = strict",
                "        self._items: dict[str, Any] = {}", "        self._hits = 0",
                "        self._lock = threading.RLock()", ""]
        taken = {"__init__"}
        for _ in range(r.randint(1, 2) if self.small else r.randint(2, 7)):
            mname = _unique(f"{r.choice(VERBS)}_{r.choice([self.n, self.p, r.choice(OBJECTS)])}", taken)
            if r.random() < 0.2:
                mname = "_" + mname
            out += self.function(mname, "    ", method=True)
        if r.random() < 0.5:
            out += ["    def __repr__(self) -> str:",
                    f'        return f"<{name} items={{len(self._items)}} hits={{self._hits}}>"', ""]
        return out

    def cls_dataclass(self, name: str) -> list[str]:
        r = self.r
        fields = r.sample(FIELD_POOL, r.randint(2, 4) if self.small else r.randint(3, 9))
        first = (f"{self.n}_id", "str", None, f'str(data["{self.n}_id"])')
        fields = [f for f in fields if f[0] != first[0]]
        fields = [first] + [f for f in fields if f[2] is None] + [f for f in fields if f[2] is not None]
        frozen = r.random() < 0.3
        out = ["@dataclass(frozen=True)" if frozen else "@dataclass", f"class {name}:"]
        out += self.docstring("    ")
        out.append("")
        for fname, ftype, default, _conv in fields:
            out.append(f"    {fname}: {ftype}" + (f" = {default}" if default else ""))
        out += ["", "    def to_dict(self) -> dict[str, Any]:", "        return {"]
        out += [f'            "{f[0]}": self.{f[0]},' for f in fields]
        out += ["        }", "", "    @classmethod", f'    def from_dict(cls, data: Mapping[str, Any]) -> "{name}":',
                "        return cls("]
        out += [f"            {f[0]}={f[3]}," for f in fields]
        out += ["        )", ""]
        if r.random() < 0.6:
            out += self.function(f"is_{r.choice(ADJS)}", "    ", method=True)
        if not frozen and r.random() < 0.4:
            out += ["    def touch(self) -> None:", '        """Bump the version after an in-place change."""',
                    "        self.version = getattr(self, \"version\", 0) + 1", ""]
        return out

    def cls_enum(self, name: str) -> list[str]:
        r = self.r
        members = r.sample(ENUM_MEMBERS, r.randint(3, 8))
        out = [f"class {name}(str, Enum):"]
        out += self.docstring("    ")
        out.append("")
        out += [f'    {mbr} = "{mbr.lower()}"' for mbr in members]
        out += ["", "    @property", "    def is_terminal(self) -> bool:",
                f"        return self in ({', '.join(f'{name}.{mbr}' for mbr in members[:2])})", "",
                "    @classmethod", f'    def parse(cls, value: str) -> "{name}":',
                "        try:", "            return cls(value.lower())", "        except ValueError:",
                f'            logger.warning("unknown {self.n} value %r", value)', f"            return cls.{members[0]}", ""]
        return out

    def cls_exception(self, name: str) -> list[str]:
        r = self.r
        base = r.choice(self.local_exceptions) if self.local_exceptions and r.random() < 0.5 else r.choice(
            ["Exception", "RuntimeError", "ValueError", "LookupError"])
        self.local_exceptions.append(name)
        out = [f"class {name}({base}):"]
        out += self.docstring("    ")
        if r.random() < 0.6:
            out += ["", f"    def __init__(self, message: str, *, {self.n}_id: Optional[str] = None) -> None:",
                    "        super().__init__(message)", f"        self.{self.n}_id = {self.n}_id"]
        out.append("")
        return out

    def cls_protocol(self, name: str) -> list[str]:
        r = self.r
        out = ["@runtime_checkable", f"class {name}(Protocol):"]
        out += self.docstring("    ")
        out.append("")
        taken: set[str] = set()
        for _ in range(r.randint(2, 5)):
            args = self.signature_args()
            params = ", ".join(["self"] + [f"{a}: {t}" + (f" = {d}" if d else "") for a, t, d in args])
            out += [f"    def {_unique(r.choice(VERBS) + '_' + self.n, taken)}({params}) -> {r.choice(RETURN_TYPES)}: ...", ""]
        return out

    def constant(self, name: str) -> list[str]:
        suffix = name.rsplit("_", 1)[-1]
        for s, value in CONST_SUFFIX:
            if name.endswith(s):
                if value is None:
                    value = repr(f"{self.n}:{s.lower()}")
                return [f"{name} = {value}"]
        return [f"{name} = {suffix.lower()!r}"]

    def mapping_block(self) -> list[str]:
        r = self.r
        name = _unique(f"_{self.n.upper()}_{r.choice(['FIELD_ALIASES', 'STATUS_LABELS', 'DEFAULTS', 'LEGACY_KEYS'])}", self.bound)
        keys = r.sample(FIELD_POOL, r.randint(3, 8))
        out = [f"{name}: dict[str, str] = {{"]
        out += [f'    "{k[0]}": "{r.choice(ADJS)}_{k[0]}",' for k in keys]
        out += ["}", ""]
        return out

    # -- imports --------------------------------------------------------------------------
    def rel_prefix(self, target_pkg: tuple[str, ...]) -> tuple[str, str] | None:
        src = self.m.package
        c = 0
        while c < min(len(src), len(target_pkg)) and src[c] == target_pkg[c]:
            c += 1
        if c < 2:
            return None
        return "." * (len(src) - c + 1), ".".join(target_pkg[c:])

    def import_lines(self) -> tuple[list[str], list[str]]:
        """Internal imports: (absolute lines, relative lines)."""
        r = self.r
        absolute: list[str] = []
        relative: list[str] = []
        for j in self.m.deps:
            d = self.mods[j]
            members = [c for c, _ in d.classes] + d.functions + d.constants
            if not members:
                continue
            if j in self.m.lazy_deps:
                self.lazy_blocks.append(self.loader(d, members))
                continue
            cyclic = j in self.m.cyclic
            x = r.random()
            rel = self.rel_prefix(d.package) if r.random() < 0.45 else None
            if cyclic or x < 0.15:
                # module-style import; the module is used only inside functions
                alias = d.parts[-1] if d.parts[-1] not in self.bound else f"{d.parts[-2]}_{d.parts[-1]}"
                alias = _unique(alias, self.bound)
                if rel:
                    dots, rest = rel
                    relative.append(f"from {dots}{rest} import {d.parts[-1]}" + (f" as {alias}" if alias != d.parts[-1] else ""))
                elif r.random() < 0.5:
                    absolute.append(f"from {'.'.join(d.package)} import {d.parts[-1]}" + (f" as {alias}" if alias != d.parts[-1] else ""))
                else:
                    absolute.append(f"import {d.dotted} as {alias}")
                self._add_member_refs(alias, d)
            elif x < 0.22:
                absolute.append(f"import {d.dotted}")
                self._add_member_refs(d.dotted, d)
            else:
                picked = r.sample(members, min(len(members), r.choice([1, 1, 2, 2, 3])))
                names = []
                for name in picked:
                    if name in self.bound:
                        alias = _unique(camel(d.parts[-2]) + name if name[0].isupper() else f"{d.parts[-2]}_{name}", self.bound)
                        names.append(f"{name} as {alias}")
                    else:
                        self.bound.add(name)
                        alias = name
                        names.append(name)
                    kind = "class" if name[0].isupper() and not name.isupper() else "const" if name.isupper() else "func"
                    self.refs.append((alias, kind))
                    self.pending.append((alias, kind))
                    if kind == "class" and (name, "plain") in d.classes:
                        self.base_ok.add(alias)
                if rel:
                    dots, rest = rel
                    relative.append(f"from {dots}{rest + '.' if rest else ''}{d.parts[-1]} import {', '.join(names)}")
                else:
                    absolute.append(f"from {d.dotted} import {', '.join(names)}")
        return absolute, relative

    def loader(self, d: Module, members: list[str]) -> list[str]:
        """Profile "zen": a dependency imported inside the one function that needs it."""
        name = self.r.choice(members)
        fn = _unique(f"_load_{d.parts[-1]}", self.bound)
        return [f"def {fn}() -> Any:",
                f'    """Imported on first use: {d.dotted} pulls in the {d.area} stack."""',
                f"    from {d.dotted} import {name}", "", f"    return {name}", ""]

    def _add_member_refs(self, prefix: str, d: Module) -> None:
        for name in (d.functions or [c for c, _ in d.classes])[:2]:
            kind = "func" if name[0].islower() else "class"
            self.refs.append((f"{prefix}.{name}", kind))
            self.pending.append((f"{prefix}.{name}", kind))

    # -- family sites -------------------------------------------------------------------------
    def wc(self, module: str = "") -> str:
        return f"{self.top}.websocket_core" + (f".{module}" if module else "")

    def rel_wc(self, module: str = "") -> str:
        return "." * len(self.m.package) + "websocket_core" + (f".{module}" if module else "")

    def use_family(self, site: dict, expr: str, ind: str, lazy: list[str], self_attr: bool = False) -> list[str]:
        usage = FAMILY[site["name"]][1]
        noun = self.n
        if usage == "protocol":
            return lazy + [f"{ind}if not isinstance(manager, {expr}):",
                           f'{ind}    logger.warning("{noun}: %r does not look like a WebSocket manager", manager)',
                           f"{ind}    return False", f"{ind}return manager.is_connected(user_id)"]
        build = f"{expr}().create_manager(user_id)" if usage == "factory" else f"{expr}(user_id=user_id)"
        out = list(lazy)
        if site["kind"] == "try_except":
            out += [f"{ind}if {expr} is None:", f'{ind}    raise RuntimeError("realtime support for {noun} is not installed")']
        out += [f"{ind}manager = {build}",
                f'{ind}logger.debug("{noun}: realtime manager %r ready for %s", manager, user_id)']
        if self_attr:
            out.append(f"{ind}self._manager = manager")
        out.append(f"{ind}return manager")
        return out

    def site_function(self, site: dict, expr: str, lazy: list[str] | None = None) -> list[str]:
        usage = FAMILY[site["name"]][1]
        fn = site["function"]
        lazy = lazy or []
        doc_obj = "WebSocket manager" if self.r.random() < 0.5 else "realtime connection manager"
        if site.get("form") == "method":
            cls = site["class"]
            out = [f"class {cls}:", f'    """Pushes {self.n} changes to the browsers of one user."""', "",
                   '    def __init__(self, user_id: str = "system") -> None:', "        self.user_id = user_id",
                   "        self._manager: Any = None", ""]
            if usage == "protocol":
                out += [f"    def {fn}(self, manager: Any, user_id: str) -> bool:",
                        f'        """Check that ``manager`` is a usable {doc_obj}."""']
                out += self.use_family(site, expr, "        ", [("    " + x if x else x) for x in lazy])
            else:
                out += [f"    def {fn}(self) -> Any:", f'        """Return the {doc_obj} of this user, creating it once."""',
                        "        if self._manager is not None:", "            return self._manager",
                        "        user_id = self.user_id"]
                out += self.use_family(site, expr, "        ", [("    " + x if x else x) for x in lazy], self_attr=True)
            return out + [""]
        if usage == "protocol":
            out = [f"def {fn}(manager: Any, user_id: str) -> bool:", f'    """Check that ``manager`` is a usable {doc_obj}."""']
        else:
            out = [f'def {fn}(user_id: str = "{self.n}-service") -> Any:',
                   f'    """Return a {doc_obj} for ``user_id`` ({self.n} live updates)."""']
        return out + self.use_family(site, expr, "    ", lazy) + [""]

    def bind(self, name: str, source: str) -> str:
        """Local name for family ``name`` imported from ``source`` (aliased if already taken)."""
        if self.fam_bound.get(name, source) == source and (name in self.fam_bound or name not in self.bound):
            self.fam_bound[name] = source
            self.bound.add(name)
            return name
        alias = _unique(ALIASES[len(self.bound) % len(ALIASES)], self.bound)
        self.fam_bound[alias] = source
        return alias

    @staticmethod
    def _as(name: str, local: str) -> str:
        return name if name == local else f"{name} as {local}"

    def render_site(self, site: dict, top_imports: list[str], rel_imports: list[str], tc: list[str],
                    blocks: list[list[str]], exports: list[str]) -> None:
        r = self.r
        kind, name, module = site["kind"], site["name"], site["module"]
        v = site["variant"]
        if kind == "absolute":
            local = self.bind(name, self.wc(module))
            top_imports.append(f"from {self.wc(module)} import {self._as(name, local)}")
            blocks.append(self.site_function(site, local))
        elif kind == "absolute_as":
            alias = _unique(ALIASES[int(v * len(ALIASES))], self.bound)
            top_imports.append(f"from {self.wc(module)} import {name} as {alias}")
            blocks.append(self.site_function(site, alias))
        elif kind == "relative":
            if v < 0.7:
                local = self.bind(name, self.wc(module))
                rel_imports.append(f"from {self.rel_wc(module)} import {self._as(name, local)}")
                blocks.append(self.site_function(site, local))
            else:
                alias = module if module not in self.bound else f"ws_{module}"
                self.bound.add(alias)
                rel_imports.append(f"from {self.rel_wc()} import {module}" + (f" as {alias}" if alias != module else ""))
                blocks.append(self.site_function(site, f"{alias}.{name}"))
        elif kind == "module_alias":
            alias = _unique(MODULE_ALIASES[int(v * len(MODULE_ALIASES))], self.bound)
            if v < 0.75:
                top_imports.append(f"import {self.wc(module)} as {alias}")
            else:
                top_imports.append(f"from {self.wc()} import {module} as {alias}")
            blocks.append(self.site_function(site, f"{alias}.{name}"))
        elif kind == "plain_import":
            top_imports.append(f"import {self.wc(module)}")
            blocks.append(self.site_function(site, f"{self.wc(module)}.{name}"))
        elif kind == "lazy":
            ind = "    "
            if v < 0.55:
                lazy = [f"{ind}from {self.wc(module)} import {name}"]
                expr = name
            elif v < 0.75:
                lazy = [f"{ind}from {self.rel_wc(module)} import {name}"]
                expr = name
            elif v < 0.87:
                alias = ALIASES[int(v * 100) % len(ALIASES)]
                lazy = [f"{ind}from {self.wc(module)} import {name} as {alias}"]
                expr = alias
            else:
                lazy = [f"{ind}import {self.wc(module)} as _ws"]
                expr = f"_ws.{name}"
            if r.random() < 0.3:
                lazy.insert(0, f"{ind}# Imported here to keep {self.m.area} import time low.")
            blocks.append(self.site_function(site, expr, lazy))
        elif kind == "type_checking":
            tc.append(f"    from {self.wc(module)} import {name}" if v < 0.7 else f"    from {self.rel_wc(module)} import {name}")
            fn = site["function"]
            blocks.append([f'def {fn}(manager: "{name}", user_id: str, payload: dict[str, Any]) -> int:',
                           f'    """Send a {self.n} update to every connection of ``user_id``."""',
                           '    return manager.send_to_user(user_id, {"type": "' + self.n + '.updated", **payload})', ""])
        elif kind == "try_except":
            reason = ["optional realtime support", "not shipped in the worker image", "legacy module removed in 0.5"][int(v * 3)]
            local = self.bind(name, self.wc(module) + ":try")
            top_imports.append("")
            top_imports += ["try:", f"    from {self.wc(module)} import {self._as(name, local)}",
                            f"except ImportError:  # {reason}", f"    {local} = None  # type: ignore[assignment,misc]"]
            blocks.append(self.site_function(site, local))
        elif kind == "importlib":
            lazy = [f'    module = importlib.import_module("{self.wc(module)}")',
                    f'    factory = getattr(module, "{name}")']
            blocks.append(self.site_function(site, "factory", lazy))
        elif kind == "all_reexport":
            local = self.bind(name, self.wc(module))
            top_imports.append(f"from {self.wc(module)} import {self._as(name, local)}")
            exports.append(local)
        elif kind == "via_reexport":
            if v < 0.6:
                local = self.bind(name, site["via"])
                top_imports.append(f"from {site['via']} import {self._as(name, local)}")
                blocks.append(self.site_function(site, local))
            else:
                blocks.append(self.site_function(site, name, [f"    from {site['via']} import {name}"]))
        elif kind == "package":
            if v < 0.6:
                local = self.bind(name, self.wc())
                top_imports.append(f"from {self.wc()} import {self._as(name, local)}")
                blocks.append(self.site_function(site, local))
            else:
                blocks.append(self.site_function(site, name, [f"    from {self.wc()} import {name}"]))

    # -- profile "zen": family references, package mentions, the giant class ---------------------
    def zen_import(self, site: dict, ind: str, fam_imports: list[str]) -> tuple[list[str], str]:
        """(the import lines inside the function, the expression naming the family member)."""
        name, module = site["name"], site["module"]
        if site["kind"] == "fn_import":
            return [f"{ind}from {self.wc(module)} import {name}"], name
        if site["kind"] == "fn_chain":
            return [f"{ind}import {self.wc(module)}"], f"{self.wc(module)}.{name}"
        local = self.bind(name, self.wc(module))
        fam_imports.append(f"from {self.wc(module)} import {self._as(name, local)}")
        return [], local

    def zen_refs(self, site: dict, expr: str, ind: str) -> list[str]:
        """`site["refs"]` lines, each naming the family member once (calls, annotations, isinstance, ...)."""
        usage = FAMILY[site["name"]][1]
        build = (f"{expr}().create_manager(user_id)" if usage == "factory" else
                 f"{expr}(user_id=user_id)" if usage == "instance" else "None")
        def form(k: int, step: int) -> str:
            return [f"{ind}candidate = {build} if candidate is None else candidate",
                    f"{ind}typed_{step}: Optional[{expr}] = candidate",
                    f"{ind}ready = ready or isinstance(candidate, {expr})",
                    f'{ind}logger.debug("{self.n} step {step}: realtime class %s", {expr}.__name__)',
                    f'{ind}registry.setdefault("{self.n}.{step}", {expr})',
                    f'{ind}label = getattr({expr}, "__qualname__", label)'][k]

        first = 2 if usage == "protocol" else 0   # (nothing to build from a protocol)
        return [form(first, 0)] + [form(self.r.randrange(1, ZEN_REF_FORMS), step) for step in range(1, site["refs"])]

    def zen_function(self, site: dict, fam_imports: list[str], ind: str = "") -> list[str]:
        body = ind + "    "
        lazy, expr = self.zen_import(site, body, fam_imports)
        params = ("self, " if site["form"] == "method" else "") + f'user_id: str = "{self.n}-live"'
        out = [f"{ind}def {site['function']}({params}) -> Any:",
               f'{body}"""Hand the {self.n} {self.r.choice(OBJECTS)} to the realtime layer."""']
        out += lazy + [f"{body}candidate: Any = None", f"{body}registry: dict[str, Any] = {{}}",
                       f"{body}ready = False", f'{body}label = "{site["name"]}"']
        out += self.zen_refs(site, expr, body)
        out += [f'{body}logger.debug("{self.n}: %s ready=%s (%d known)", label, ready, len(registry))',
                f"{body}return candidate", ""]
        return out

    def giant_class(self, target: int, fam_imports: list[str]) -> list[str]:
        """One big class of many methods (a service grown over years); a few of them name the family."""
        name = self.m.giant_class
        out = [f"class {name}:"] + self.docstring("    ", long=True) + [""]
        out += [f"    def __init__(self, {self.n}_source: Optional[Any] = None) -> None:",
                f"        self._source = {self.n}_source", "        self._items: dict[str, Any] = {}",
                "        self._hits = 0", "        self._lock = threading.RLock()", ""]
        methods: list[list[str]] = []
        taken = {"__init__"} | {s["function"] for s in self.m.zen_sites}
        size = len(out)
        while size < target:
            mname = _unique(f"{self.r.choice(VERBS)}_{self.r.choice([self.n, self.p, self.r.choice(OBJECTS)])}", taken)
            methods.append(self.function(mname, "    ", method=True))
            size += len(methods[-1])
        for site in self.m.zen_sites:
            methods.insert(self.r.randrange(len(methods) + 1), self.zen_function(site, fam_imports, "    "))
        return out + [line for method in methods for line in method]

    # -- the whole module ---------------------------------------------------------------------
    def render(self) -> str:
        r = self.r
        m = self.m
        self.base_ok: set[str] = set()
        absolute, relative = self.import_lines()
        fam_imports: list[str] = []
        fam_rel: list[str] = []
        tc: list[str] = []
        site_blocks: list[list[str]] = []
        exports: list[str] = []
        for site in m.sites:
            self.render_site(site, fam_imports, fam_rel, tc, site_blocks, exports)
        extra_lines: list[str] = []
        for module, name in m.extras:
            if name not in self.bound:
                self.bound.add(name)
                fam_imports.append(f"from {self.wc(module)} import {name}")
                extra_lines.append(f"_REALTIME_{name.upper()}: Any = {name}  # re-used by the push helpers below")
        if not m.giant:   # (a giant's sites are methods of its big class)
            site_blocks += [self.zen_function(site, fam_imports) for site in m.zen_sites]

        body: list[str] = []
        consts = [x for c in m.constants for x in self.constant(c)] + extra_lines
        if m.mention:
            consts.append(r.choice(MENTION_STATEMENTS).format(flag=r.choice(["True", "False"]), **self.fmt))
            consts.append(r.choice(MENTIONS).format(**self.fmt))
        if m.zen_mention:
            consts.append(r.choice(ZEN_MENTION_STATEMENTS).format(**self.fmt))
            consts.append(r.choice(ZEN_MENTIONS))
        if consts:
            body += consts + ["", ""]
        if not self.small and r.random() < 0.4:
            body += self.mapping_block() + [""]
        # private helpers first, so that public code can call them
        for _ in range(0 if self.small else r.randint(0, 2)):
            name = _unique(f"_{r.choice(VERBS)}_{r.choice([self.n, self.p])}", self.bound)
            body += self.function(name, "") + [""]
            self.local_funcs.append(name)
        blocks: list[list[str]] = []
        for name, kind in sorted(m.classes, key=lambda c: c[1] != "exception"):
            maker = {"plain": self.cls_plain, "dataclass": self.cls_dataclass, "enum": self.cls_enum,
                     "exception": self.cls_exception, "protocol": self.cls_protocol}[kind]
            block = maker(name)
            if kind == "plain":
                self.local_plain.append(name)
            blocks.append(block)
        for name in m.functions:
            blocks.append(self.function(name, ""))
            self.local_funcs.append(name)
        for block in blocks:
            body += block + [""]
        for block in self.lazy_blocks:
            body += block + [""]
        if m.giant:
            body += self.giant_class(m.lines - len(body) - 120, fam_imports) + [""]
        # site code goes in the middle of the module, like code added over the years
        insert_at = len(body)
        # filler until the target length is reached
        total = (len(body) + sum(len(b) + 1 for b in site_blocks) + 24 + len(absolute) + len(relative)
                 + len(fam_imports) + len(fam_rel) + len(tc))
        limit = min(m.lines + 200 if m.giant else 1480, int(m.lines * 1.1) + 8)
        attempts = 0
        while total < m.lines and attempts < 100:
            attempts += 1
            saved = list(self.pending)
            block = self.filler_block()
            if total + len(block) + 1 > limit:
                self.pending = saved  # the block is dropped, so are the references it used
                if total >= m.lines * 0.85:
                    break
                continue
            body += block + [""]
            total += len(block) + 1
            if len(body) < m.lines * 0.5:
                insert_at = len(body)
        for block in site_blocks:
            body[insert_at:insert_at] = block + [""]
            insert_at += len(block) + 1
        if self.pending:
            body += self.wiring_block() + [""]

        # header; then top up small modules whose header was shorter than estimated
        doc_first = f"{camel(m.area)} {m.role.replace('_', ' ')} for {self.p}."
        doc = [f'"""{doc_first}', "", self.sentence()]
        if m.mention:
            doc.append(r.choice(MENTION_DOC))
        if r.random() < 0.5:
            doc.append(r.choice(DOC_EXTRA).format(o=r.choice(OBJECTS), **self.fmt))
        doc.append('"""')
        future = r.random() < 0.85
        with_all = bool(exports) or (m.sites and r.random() < 0.3)
        parts = (doc, future, with_all, absolute, relative, fam_imports, fam_rel, tc, exports)
        head = self.header(body, *parts)
        floor = max(52, int(m.lines * 0.9))
        attempts = 0
        while len(head) + len(body) < floor and attempts < 50:
            attempts += 1
            saved = list(self.pending)
            block = self.filler_block()
            if len(head) + len(body) + len(block) + 1 > limit:
                self.pending = saved
                continue
            body += [""] + block
            head = self.header(body, *parts)
        return "\n".join(head + body).rstrip() + "\n"

    def wiring_block(self) -> list[str]:
        """Use every imported name that the generated code has not used yet (a DI-style registry)."""
        name = _unique(f"_{self.n}_collaborators", self.bound)
        out = [f"def {name}() -> dict[str, Any]:",
               f'    """Collaborators of the {self.m.role.replace("_", " ")}, looked up by the service container."""',
               "    return {"]
        keys: set[str] = set()
        exprs: set[str] = set()
        for expr, _kind in reversed(self.pending):
            if expr in exprs:
                continue
            exprs.add(expr)
            key = _unique(expr.rsplit(".", 1)[-1], keys)
            out.append(f'        "{key}": {expr},')
        self.pending.clear()
        return out + ["    }", ""]

    def filler_block(self) -> list[str]:
        r = self.r
        x = r.random()
        if x < 0.45:
            block = self.function(_unique(f"{r.choice(VERBS)}_{r.choice([self.n, self.p])}_{r.choice(OBJECTS)}", self.bound), "")
        elif x < 0.55:
            block = self.function(_unique(f"_{r.choice(VERBS)}_{r.choice(OBJECTS)}", self.bound), "")
        elif x < 0.8:
            block = self.cls_plain(_unique(self.E + r.choice(CLASS_SUFFIXES), self.bound))
        elif x < 0.92:
            block = self.cls_dataclass(_unique(self.E + r.choice(DATA_SUFFIXES), self.bound))
        elif x < 0.96:
            block = self.cls_enum(_unique(self.E + r.choice(["Kind", "Mode", "Level", "Reason", "Phase"]), self.bound))
        else:
            block = self.mapping_block()
        if r.random() < 0.25:
            block.insert(0, f"# -- {r.choice(ADJS)} {self.p} " + "-" * r.randint(40, 70))
        return block

    def header(self, body, doc, future, with_all, absolute, relative, fam_imports, fam_rel, tc, exports) -> list[str]:
        m = self.m
        head = doc + [""]
        if future:
            head += ["from __future__ import annotations", ""]
        text_for_scan = "\n".join(body)
        needed_from: dict[str, set[str]] = {}
        needed_mod: set[str] = {"logging"}
        for a, b in _STD_RE.findall(text_for_scan):
            if a:
                needed_from.setdefault(STDLIB_FROM[a], set()).add(a)
            else:
                needed_mod.add(b)
        if tc:
            needed_from.setdefault("typing", set()).add("TYPE_CHECKING")
        if any(s["kind"] == "importlib" for s in m.sites):
            needed_mod.add("importlib")
        needed_from.setdefault("typing", set()).add("Any")
        std = [f"import {x}" for x in sorted(needed_mod)]
        std += [f"from {mod} import {', '.join(sorted(names))}" for mod, names in sorted(needed_from.items())]
        head += std + [""]
        internal = sorted(absolute + [x for x in fam_imports if x and not x.startswith(("try", "    ", "except"))])
        head += internal
        if relative or fam_rel:
            head += [""] + sorted(relative + fam_rel)
        tries = [x for x in fam_imports if x == "" or x.startswith(("try", "    ", "except"))]
        if tries:
            head += tries
        if tc:
            head += ["", "if TYPE_CHECKING:"] + tc
        head += ["", "logger = logging.getLogger(__name__)", ""]
        if with_all:
            public = exports + [c for c, _ in m.classes] + m.functions
            head += ["__all__ = ["] + [f'    "{x}",' for x in public] + ["]", ""]
        head.append("")
        return head


def render_package(pkg: Package, top: str, rng: Random) -> str:
    title = camel(pkg.parts[-1]).replace("_", " ")
    lines = [f'"""{title}: {rng.choice(SENTENCES).format(adj=rng.choice(ADJS), o=rng.choice(OBJECTS), arg="payload", n=SINGULAR.get(pkg.parts[-1], pkg.parts[-1]), p=pkg.parts[-1], area=pkg.parts[1] if len(pkg.parts) > 1 else top, E="", N="")}"""']
    exports: list[str] = []
    for site in pkg.sites:
        module = site["module"]
        lines.append(f"from {top}.websocket_core.{module} import {site['name']}")
        exports.append(site["name"])
    if exports:
        lines.insert(1, "")
        lines += ["", "__all__ = ["] + [f'    "{x}",' for x in sorted(exports)] + ["]"]
    if pkg.aggregate:
        lines += aggregate_lines(pkg.aggregate)
    return "\n".join(lines) + "\n"


def aggregate_lines(aggregate: list[tuple[str, list[str]]]) -> list[str]:
    """Profile "zen": the package hands out every submodule's names, each import guarded."""
    lines = ["", "# Everything the package offers, importable from the package itself. A submodule that",
             "# cannot be imported here (an optional dependency, an import cycle) is simply left out."]
    for submodule, names in aggregate:
        lines += ["try:", f"    from .{submodule} import {', '.join(names)}",
                  "except ImportError:  # optional in some deployments", "    pass"]
    return lines


def _render_chunk(indices: list[int]) -> list[tuple[int, int, int]]:
    out_dir: Path = _STATE["out"]
    modules: list[Module] = _STATE["modules"]
    top: str = _STATE["top"]
    result = []
    for i in indices:
        mod = modules[i]
        text = Gen(mod, modules, top).render()
        data = text.encode()
        (out_dir / mod.relpath).write_bytes(data)
        result.append((i, len(data), text.count("\n"), import_levels(text), "websocket_core" in text))
    return result


_DEF_RE = re.compile(r"(\s*)(?:async\s+)?(def|class)\s")
_IMPORT_RE = re.compile(r"(\s*)(?:import\s+([\w.]+)|from\s+([\w.]+)\s+import\b)")


def import_levels(text: str) -> tuple[int, int, int, int]:
    """Import statements of generated code, read line by line: (module level, inside a function, and the
    same two for imports of the family's package). Generated code opens no block but `def` and `class`
    (and `try`/`if` at module level) with the keyword first, so indentation tells where a line is."""
    counts = [0, 0, 0, 0]
    scopes: list[tuple[int, bool]] = []   # (indentation, is a function) of the open def/class blocks
    for line in text.splitlines():
        match = _DEF_RE.match(line)
        found = match or _IMPORT_RE.match(line)
        if not found:
            continue
        indent = len(found.group(1))
        while scopes and scopes[-1][0] >= indent:
            scopes.pop()
        if match:
            scopes.append((indent, match.group(2) == "def"))
            continue
        in_function = any(is_def for _, is_def in scopes)
        family = "websocket_core" in line
        counts[in_function] += 1
        counts[2 + in_function] += family
    return counts[0], counts[1], counts[2], counts[3]


def _parse_chunk(paths: list[str]) -> list[tuple[str, str]]:
    errors = []
    for p in paths:
        try:
            ast.parse(Path(p).read_bytes(), filename=p, feature_version=(3, 10))
        except SyntaxError as exc:
            errors.append((p, f"{exc.msg} (line {exc.lineno})"))
    return errors


# --------------------------------------------------------------------------------------------
# Fixed files: the family copy, plan, tests
# --------------------------------------------------------------------------------------------

_APP_RE = re.compile(r"(?<![\w.])app\.(?=[A-Za-z_])")


def copy_family(fixture: Path, out: Path, top: str) -> list[Path]:
    written = []
    src_dir = fixture / "app" / "websocket_core"
    dst_dir = out / top / "websocket_core"
    dst_dir.mkdir(parents=True, exist_ok=True)
    for src in sorted(src_dir.glob("*.py")):
        text = _APP_RE.sub(f"{top}.", src.read_text())
        (dst_dir / src.name).write_text(text)
        written.append(dst_dir / src.name)
    infra = out / top / "infra"
    infra.mkdir(parents=True, exist_ok=True)
    for name in ("__init__.py", "redis_client.py"):
        text = _APP_RE.sub(f"{top}.", (fixture / "app" / "infra" / name).read_text())
        (infra / name).write_text(text)
        written.append(infra / name)
    return written


def write_plan(plan_src: Path, out: Path, top: str) -> None:
    lines = []
    for line in plan_src.read_text().splitlines():
        if line.startswith("# Plan for the bundled fixture"):
            line = f"# Plan for the generated benchmark repository: the fixture's WebSocket manager family, copied into {top}/websocket_core."
        elif line.startswith("root ="):
            line = 'root = "."'
        elif line.startswith("packages ="):
            line = f'packages = ["{top}"]'
        elif line.startswith("test_command ="):
            line = 'test_command = ["python", "-m", "pytest", "-q", "tests/test_websocket_smoke.py"]'
        else:
            line = _APP_RE.sub(f"{top}.", line)
        lines.append(line)
    text = "\n".join(lines) + "\n"
    try:
        import tomllib
    except ImportError:  # Python 3.10: skip the self-check
        tomllib = None
    if tomllib is not None:
        data = tomllib.loads(text)
        assert data["plan"]["root"] == "." and all(k.startswith(f"{top}.") for k in data["map"]), "plan rewrite failed"
    (out / "plan.toml").write_text(text)


SMOKE_TEST = '''"""Quick checks that the WebSocket manager and a few of its consumers import and work.

This is the plan's test command; it imports the canonical manager and three generated consumer
modules (each reaching the family through a different kind of import) and checks that the
managers they build deliver messages.
"""

from __future__ import annotations

import importlib

import pytest

from {top}.websocket_core.unified_manager import UnifiedWebSocketManager

CONSUMERS = [
{consumers}
]


class FakeConnection:
    def __init__(self) -> None:
        self.sent: list = []

    def send(self, message) -> None:
        self.sent.append(message)


def test_canonical_manager_delivers() -> None:
    manager = UnifiedWebSocketManager(max_connections_per_user=2)
    connection = FakeConnection()
    manager.connect("alice", connection)
    assert manager.send_to_user("alice", {{"text": "hi"}}) == 1
    assert connection.sent == [{{"text": "hi"}}]
    assert manager.get_stats()["active"] == 1


def test_package_exposes_the_canonical_manager() -> None:
    package = importlib.import_module("{top}.websocket_core")
    assert package.UnifiedWebSocketManager is UnifiedWebSocketManager


@pytest.mark.parametrize(("module_name", "function_name"), CONSUMERS)
def test_consumer_builds_a_working_manager(module_name: str, function_name: str) -> None:
    module = importlib.import_module(module_name)
    manager = getattr(module, function_name)("smoke-user")
    connection = FakeConnection()
    manager.connect("smoke-user", connection)
    assert manager.send_to_user("smoke-user", "ping") == 1
    assert connection.sent == ["ping"]
'''


def write_tests(out: Path, top: str, plan: dict, modules: list[Module], rng: Random) -> list[str]:
    tests = out / "tests"
    tests.mkdir(exist_ok=True)
    smoke_sites = [s for s in plan["sites"] if s.get("smoke")]
    consumers = "\n".join(f'    ("{s["file"][:-3].replace("/", ".")}", "{s["function"]}"),' for s in smoke_sites)
    (tests / "test_websocket_smoke.py").write_text(SMOKE_TEST.format(top=top, consumers=consumers))
    files = ["tests/test_websocket_smoke.py"]
    mock_sites = plan["mock_sites"]
    taken: set[str] = {"test_websocket_smoke"}
    i = 0
    while i < len(mock_sites):
        group = mock_sites[i:i + rng.randint(3, 6)]
        i += len(group)
        area = rng.choice(modules).area
        fname = _unique(f"test_{area}_{rng.choice(_NOUNS)}_realtime", taken)
        use_decorator = rng.random() < 0.5
        lines = [f'"""Realtime behaviour of the {area} package, with the WebSocket manager mocked out."""', "",
                 "from __future__ import annotations", ""]
        if rng.random() < 0.6:
            lines += ["from unittest import mock", "", ""]
        elif use_decorator:
            lines += ["from unittest import mock", "from unittest.mock import patch", "", ""]
        else:
            lines += ["from unittest.mock import patch", "", ""]
        tests_taken: set[str] = set()
        for site in group:
            target = f"{top}.websocket_core.{site['module']}.{site['name']}"
            tname = _unique(f"test_{site['name'].lower()}_{rng.choice(['is_mocked', 'push_is_skipped', 'connect_called', 'reports_stats'])}", tests_taken)
            patch = "patch" if "from unittest.mock import patch" in lines else "mock.patch"
            if use_decorator:
                lines += [f'@{patch}("{target}")', f"def {tname}(fake_manager: mock.MagicMock) -> None:"]
                ind = "    "
            else:
                lines += [f"def {tname}() -> None:", f'    with {patch}("{target}") as fake_manager:']
                ind = "        "
            lines += [f'{ind}fake_manager.return_value.send_to_user.return_value = {rng.randint(0, 3)}',
                      f'{ind}manager = fake_manager(user_id="{rng.choice(_NOUNS)}-test")',
                      f'{ind}assert manager.send_to_user("u1", {{"type": "ping"}}) == fake_manager.return_value.send_to_user.return_value',
                      f"{ind}fake_manager.assert_called_once()", "", ""]
            site["file"] = f"tests/{fname}.py"
        (tests / f"{fname}.py").write_text("\n".join(lines).rstrip() + "\n")
        files.append(f"tests/{fname}.py")
    return files


DOUBLE_CLASS = '''class {name}:
    """Test double for the WebSocket manager: records what would have been sent to the browsers."""

    def __init__(self, user_id: str = "test-user") -> None:
        self.user_id = user_id
        self.sent: list[tuple[str, Any]] = []
        self.connections: dict[str, Any] = {{}}

    def connect(self, user_id: str, connection: Any) -> None:
        self.connections[user_id] = connection

    def disconnect(self, user_id: str) -> None:
        self.connections.pop(user_id, None)

    def send_to_user(self, user_id: str, message: Any) -> int:
        self.sent.append((user_id, message))
        return {sent}

    def is_connected(self, user_id: str) -> bool:
        return user_id in self.connections

    def get_stats(self) -> dict[str, int]:
        return {{"active": len(self.connections), "sent": len(self.sent)}}
'''
DOUBLE_TEST = '''def test_{lower}_records_messages() -> None:
    manager = {name}()
    manager.connect("u1", object())
    manager.send_to_user("u1", {{"type": "ping"}})
    assert manager.get_stats()["sent"] == 1
'''


def write_doubles(out: Path, doubles: list[dict]) -> list[str]:
    """Profile "zen": the test doubles, grouped by file (helper files get package __init__ files)."""
    by_file: dict[str, list[str]] = {}
    for double in doubles:
        by_file.setdefault(double["file"], []).append(double["name"])
    files: list[str] = []
    for relpath, names in by_file.items():
        path = out / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        is_test = relpath.startswith("tests/")
        parts = ['"""Test doubles of the realtime layer: stand-ins for the WebSocket manager."""', "",
                 "from __future__ import annotations", "", "from typing import Any", "", ""]
        for name in names:
            parts += [DOUBLE_CLASS.format(name=name, sent="1 if user_id in self.connections else 0"), ""]
            if is_test and not name.startswith("Test"):
                parts += [DOUBLE_TEST.format(name=name, lower=camel_to_snake(name)), ""]
        path.write_text("\n".join(parts).rstrip() + "\n")
        files.append(relpath)
        for parent in Path(relpath).parents:
            if parent.parts and parent.parts[0] == "test_framework" and not (out / parent / "__init__.py").exists():
                (out / parent / "__init__.py").write_text('"""Helpers shared by the test suites."""\n')
                files.append(f"{parent.as_posix()}/__init__.py")
    return files


def camel_to_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


PYPROJECT = '''[project]
name = "{top}-bench"
version = "0.0.0"
description = "Synthetic repository generated by benchmarks/generate_repo.py (seed {seed}, {modules} modules)."
requires-python = ">=3.10"

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
addopts = "-p no:cacheprovider"
'''


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------


def _chunks(items: list, n: int) -> list[list]:
    size = max(1, math.ceil(len(items) / n))
    return [items[k:k + size] for k in range(0, len(items), size)]


def _pool(jobs: int):
    if jobs <= 1:
        return None
    try:
        return multiprocessing.get_context("fork").Pool(jobs)
    except ValueError:  # no fork (Windows, macOS default is spawn but fork exists)
        return None


def fan_in(modules: list[Module], packages: dict[tuple[str, ...], Package], top: str) -> Counter:
    """How many files import each generated or family module, from the plan (not counting tests)."""
    counts: Counter = Counter()
    family = f"{top}.websocket_core"
    for m in modules:
        targets = {modules[j].dotted for j in m.deps} | {f"{family}.{module}" for module, _ in m.extras}
        targets |= {f"{family}.{s['module']}" for s in m.sites + m.zen_sites
                    if s.get("module") and s["kind"] not in ("mock_patch", "via_reexport")}
        counts.update(targets)
    for key, pkg in packages.items():
        dotted = ".".join(key)
        counts.update({f"{dotted}.{sub}" for sub, _ in pkg.aggregate} | {f"{family}.{s['module']}" for s in pkg.sites})
    return counts


def measure_shape(out: Path, all_py: list[Path], modules: list[Module], packages: dict[tuple[str, ...], Package],
                  sites: list[dict], rendered: list[tuple], shape: dict, top: str) -> dict:
    """The figures that make a tree expensive to search (printed, and in the manifest with a profile)."""
    module_paths = {out / m.relpath for m in modules}
    levels = [0, 0, 0, 0]
    mentions = sum(1 for row in rendered if row[4])
    lines = [row[2] for row in rendered]
    for row in rendered:
        levels = [a + b for a, b in zip(levels, row[3])]
    for path in all_py:
        if path not in module_paths:
            text = path.read_text()
            mentions += "websocket_core" in text
            lines.append(text.count("\n"))
            levels = [a + b for a, b in zip(levels, import_levels(text))]
    fans = fan_in(modules, packages, top)
    zen = [s for s in sites if s["kind"] in ZEN_KINDS]
    aggregate = [len([n for _, names in p.aggregate for n in names]) for p in packages.values() if p.aggregate]
    return {"files": len(all_py), "package_files": mentions, "fan_in_max": max(fans.values(), default=0),
            "fan_in_top": [[name, count] for name, count in fans.most_common(6)],
            "imports_module_level": levels[0], "imports_function_level": levels[1],
            "family_imports_module_level": levels[2], "family_imports_function_level": levels[3],
            "aggregator_inits": len(aggregate), "aggregator_names_max": max(aggregate, default=0),
            "test_doubles": len(shape.get("doubles", [])), "files_over_3000_lines": sum(1 for n in lines if n > 3000),
            "max_lines": max(lines, default=0), "family_sites": len(sites),
            "family_site_files": len({s["file"] for s in sites}), "family_references": sum(s.get("refs", 1) for s in sites),
            "zen_sites": len(zen)}


def _share(part: int, whole: int) -> str:
    return f"{part:,} of {whole:,} ({100 * part / max(1, whole):.0f}%)"


def print_shape(st: dict, profile: str | None) -> None:
    print(f"  shape          profile {profile or 'default'}")
    print(f"    files mentioning the family's package: {_share(st['package_files'], st['files'])}")
    print(f"    family references: {st['family_references']:,} (sites {st['family_sites']:,}, of them {st['zen_sites']:,} "
          f"from the profile) over {st['family_site_files']:,} files")
    top = ", ".join(f"{name} {count:,}" for name, count in st["fan_in_top"][:4])
    print(f"    max fan-in: {st['fan_in_max']:,} (files importing: {top})")
    total = st["imports_module_level"] + st["imports_function_level"]
    family = st["family_imports_module_level"] + st["family_imports_function_level"]
    print(f"    function-level imports: {_share(st['family_imports_function_level'], family)} of the family's package's "
          f"imports; {_share(st['imports_function_level'], total)} of all imports")
    print(f"    try/except ImportError __init__ files importing every submodule: {st['aggregator_inits']} "
          f"(up to {st['aggregator_names_max']} names)")
    print(f"    test doubles named like the family: {st['test_doubles']}")
    print(f"    files over 3,000 lines: {st['files_over_3000_lines']} (longest {st['max_lines']:,})")


def _site_target(site: dict, top: str) -> str:
    """What a site refers to: ``pkg.module:Name``, or the dotted string a mock.patch names."""
    module = f"{top}.websocket_core" + (f".{site['module']}" if site["module"] else "")
    if site["kind"] == "mock_patch":
        return f"{module}.{site['name']}"
    return f"{module}:{site['name']}"


def generate(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    out: Path = args.out_dir.resolve()
    top = args.top
    if out.exists() and any(out.iterdir()):
        if not args.force:
            print(f"error: {out} exists and is not empty (use --force to replace it)", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = Random(args.seed)

    modules, packages = build_layout(rng, args.modules, top)
    for m in modules:
        assign_names(rng, m)
    graph = build_graph(rng, modules)
    plan = plan_sites(rng, modules, packages, args.sites, top)
    host_files = {s["file"] for s in plan["sites"] if "file" in s}
    candidates = [m for m in modules if m.relpath not in host_files]
    n_mentions = max(1, int(len(modules) * 0.11))
    for m in rng.sample(candidates, min(len(candidates), n_mentions)):
        m.mention = True
    profile = PROFILES[args.profile] if args.profile else None
    shape = plan_profile(Random(f"{args.seed}:{profile.name}"), modules, packages, profile) if profile else {}
    plan["sites"] += shape.get("sites", [])
    t_plan = time.perf_counter() - t0

    # directories and package __init__ files
    for key, pkg in packages.items():
        (out / Path(*key)).mkdir(parents=True, exist_ok=True)
    init_bytes = init_lines = 0
    for key, pkg in packages.items():
        if key == (top,):
            text = f'"""{camel(top)}: the application package (synthetic benchmark repository)."""\n\n__version__ = "3.14.0"\n'
        else:
            text = render_package(pkg, top, Random(f"{args.seed}:{'.'.join(key)}"))
        (out / pkg.relpath).write_text(text)
        init_bytes += len(text.encode())
        init_lines += text.count("\n")
    family_files = copy_family(args.fixture, out, top)

    # modules, in parallel; each module's text depends only on its own seed and the specs
    _STATE.update(out=out, modules=modules, top=top)
    order = sorted(range(len(modules)), key=lambda i: -modules[i].lines)
    jobs = max(1, args.jobs)
    chunks = [order[k::jobs * 8] for k in range(jobs * 8)]
    pool = _pool(jobs)
    try:
        results = [r for chunk in (pool.imap_unordered(_render_chunk, chunks) if pool else map(_render_chunk, chunks)) for r in chunk]
    finally:
        if pool:
            pool.close()
            pool.join()
    mod_lines = sum(row[2] for row in results)
    line_counts = sorted(row[2] for row in results)

    test_files = write_tests(out, top, plan, modules, rng)
    test_files += write_doubles(out, shape.get("doubles", []))
    write_plan(args.plan, out, top)
    (out / "pyproject.toml").write_text(PYPROJECT.format(top=top, seed=args.seed, modules=args.modules))
    (out / ".gitignore").write_text("__pycache__/\n*.pyc\n.pytest_cache/\n.refactor_cache/\n")
    t_gen = time.perf_counter() - t0

    # ground truth for the benchmarks
    kinds = Counter(s["kind"] for s in plan["sites"])
    names = Counter(s["name"] for s in plan["sites"])
    manifest = {
        "generator": "benchmarks/generate_repo.py", "seed": args.seed, "modules": len(modules),
        "top": top, "sites_requested": args.sites, "sites": len(plan["sites"]),
        "sites_by_kind": dict(sorted(kinds.items())), "sites_by_name": dict(sorted(names.items())),
        "mention_files": sorted(m.relpath for m in modules if m.mention),
        "non_family_imports": sum(len(m.extras) for m in modules),
        "graph": graph, "smoke_consumers": [s["file"] for s in plan["sites"] if s.get("smoke")],
        "site_list": [dict({k: v for k, v in s.items() if k != "variant"}, target=_site_target(s, top))
                      for s in plan["sites"]],
    }
    # totals over every generated .py file
    all_py = sorted(out.rglob("*.py"))
    shape_stats = measure_shape(out, all_py, modules, packages, plan["sites"], results, shape, top)
    if profile:
        manifest["profile"] = dict(shape_stats, name=profile.name, hubs=[modules[h].dotted for h in shape["hubs"]],
                                   aggregator_inits=[p.relpath for p in shape["aggregators"]],
                                   test_double_classes=shape["doubles"], giant_files=sorted(m.relpath for m in modules if m.giant))
    (out / "bench_manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    total_bytes = sum(p.stat().st_size for p in all_py)
    total_lines = mod_lines + init_lines + sum(p.read_text().count("\n") for p in family_files) + sum(
        (out / f).read_text().count("\n") for f in test_files)

    check_errors: list[tuple[str, str]] = []
    t_check = 0.0
    import_report = ""
    if args.check:
        tc = time.perf_counter()
        paths = [str(p) for p in all_py]
        pool = _pool(jobs)
        try:
            parts = _chunks(paths, jobs * 8)
            for errs in (pool.imap_unordered(_parse_chunk, parts) if pool else map(_parse_chunk, parts)):
                check_errors.extend(errs)
        finally:
            if pool:
                pool.close()
                pool.join()
        import_report = check_imports(out, top)
        t_check = time.perf_counter() - tc

    t_git = 0.0
    commit = ""
    if not args.no_git:
        tg = time.perf_counter()
        commit = git_commit(out, args)
        t_git = time.perf_counter() - tg

    # summary
    n = len(line_counts)
    pct = lambda q: line_counts[min(n - 1, int(q * n))]
    deps = [len(m.deps) for m in modules]
    print(f"generated {out}")
    print(f"  modules        {len(modules):,} (+ {len(packages):,} package __init__.py, {len(family_files)} family/infra files, {len(test_files)} test files)")
    print(f"  module lines   min {line_counts[0]}  median {pct(0.5)}  p90 {pct(0.9)}  max {line_counts[-1]}  (target 50-1500, median ~250)")
    print(f"  total          {len(all_py):,} .py files, {total_lines:,} lines, {total_bytes / 1e6:.1f} MB ({total_bytes / 2**20:.1f} MiB)")
    print(f"  imports        {sum(deps):,} internal edges, {min(deps[1:] or [0])}-{max(deps)} per module (mean {sum(deps) / len(deps):.1f}); "
          f"{graph['cycles']} cycles (largest {graph['largest_cycle']} modules, {graph['modules_in_cycles']} modules in cycles)")
    print(f"  family sites   {len(plan['sites'])} (requested {args.sites}) in {len({s['file'] for s in plan['sites']})} files")
    for kind in [*SITE_KINDS, *ZEN_KINDS]:
        if kind in SITE_KINDS or kinds.get(kind):
            print(f"    {kind:<14} {kinds.get(kind, 0)}")
    print("  family names   " + ", ".join(f"{k} {v}" for k, v in sorted(names.items(), key=lambda kv: -kv[1])))
    missing = [x for x in BRIEF_NAMES if x not in names]
    if missing:
        print(f"  WARNING: names without a site: {', '.join(missing)}")
    print(f"  non-family websocket_core imports {manifest['non_family_imports']}; websocket mentions only: {len(manifest['mention_files'])} files")
    print(f"  smoke consumers {', '.join(manifest['smoke_consumers'])}")
    print_shape(shape_stats, args.profile)
    print(f"  time           plan {t_plan:.1f}s, generate {t_gen - t_plan:.1f}s (jobs {jobs}), check {t_check:.1f}s, git {t_git:.1f}s, total {time.perf_counter() - t0:.1f}s")
    if args.check:
        print(f"  check          ast.parse of {len(all_py):,} files: {len(check_errors)} error(s); {import_report}")
        for path, msg in check_errors[:20]:
            print(f"    {path}: {msg}")
    if commit:
        print(f"  git            one commit {commit}")
    return 1 if check_errors or import_report.startswith("FAILED") else 0


IMPORT_CHECK = r"""
import importlib, json, logging, sys, time, warnings
logging.disable(logging.CRITICAL)
warnings.simplefilter("ignore")
names = sys.stdin.read().split()
failed = []
started = time.perf_counter()
for name in names:
    try:
        importlib.import_module(name)
    except Exception as exc:  # report every failure, keep going
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
seconds = time.perf_counter() - started
compat = names[0].split(".")[0] + ".websocket_core.compat"
try:
    importlib.import_module(compat)
    compat_result = "imported (expected ImportError)"
except ImportError as exc:
    compat_result = "ImportError as intended"
print(json.dumps({"total": len(names), "failed": failed, "seconds": seconds, "compat": compat_result}))
"""


def check_imports(out: Path, top: str) -> str:
    """Import every generated module and package (not compat.py, broken on purpose) in a subprocess."""
    names = []
    for path in sorted((out / top).rglob("*.py")):
        parts = list(path.relative_to(out).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts[-2:] != ["websocket_core", "compat"]:
            names.append(".".join(parts))
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(out))
    proc = subprocess.run([sys.executable, "-c", IMPORT_CHECK], check=False, input="\n".join(names), cwd=out, env=env,
                          capture_output=True, text=True)
    try:
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return f"FAILED import check: {proc.stderr.strip()[-800:]}"
    if result["failed"]:
        return f"FAILED imports ({len(result['failed'])}): " + "; ".join(result["failed"][:10])
    return (f"imported all {result['total']:,} modules and packages in {result['seconds']:.1f}s "
            f"(compat.py: {result['compat']})")


def git_commit(out: Path, args: argparse.Namespace) -> str:
    env = dict(os.environ, GIT_AUTHOR_DATE="2024-01-01T00:00:00+00:00", GIT_COMMITTER_DATE="2024-01-01T00:00:00+00:00")
    base = ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"]
    subprocess.run(base + ["init", "-q"], cwd=out, check=True, env=env)
    subprocess.run(base + ["add", "-A"], cwd=out, check=True, env=env)
    subprocess.run(base + ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q",
                           "-m", f"Synthetic benchmark repository (seed {args.seed}, {args.modules} modules, {args.sites} sites)"],
                   cwd=out, check=True, env=env)
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=out, capture_output=True, text=True,
                          check=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--modules", type=int, default=10_000, help="number of generated modules (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--sites", type=int, default=400, help="family import sites (default 400)")
    parser.add_argument("--top", default="netra", help="top-level package name (default netra)")
    parser.add_argument("--check", action="store_true", help="ast.parse every file, then import every module")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: CPU count)")
    parser.add_argument("--no-git", action="store_true", help="do not make a git repository")
    parser.add_argument("--force", action="store_true", help="replace OUT_DIR if it exists and is not empty")
    parser.add_argument("--profile", choices=sorted(PROFILES), help="shape the tree like a real repository: "
                        "'zen' adds what makes the seed's repository expensive (see the docstring)")
    parser.add_argument("--fixture", type=Path, default=DEFAULT_FIXTURE, help=argparse.SUPPRESS)
    parser.add_argument("--plan", type=Path, default=DEFAULT_PLAN, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.modules < 20:
        parser.error("--modules must be at least 20")
    if args.sites < 0:
        parser.error("--sites must be >= 0")
    if not args.top.isidentifier() or args.top in ("app", "tests"):
        parser.error("--top must be a Python identifier other than app/tests")
    if not (args.fixture / "app" / "websocket_core").is_dir() or not args.plan.is_file():
        parser.error(f"fixture or plan not found ({args.fixture}, {args.plan})")
    return generate(args)


if __name__ == "__main__":
    sys.exit(main())
