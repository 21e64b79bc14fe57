"""Importing a project's actions package and finding the custom actions it defines.

The package is imported under its real name (usually `actions`), with the project root put first
on `sys.path` for the import, so the project's own absolute imports (`from actions.api import x`)
work exactly as under a rasa_sdk action server. Projects are kept apart by re-importing: a load
first removes that top-level package and its submodules from `sys.modules`, so a runner made for
another project, or after an edit (hot reload creates a new runner), gets fresh code.

Two kinds of action are found, in every module of the package: functions registered with
calmtui's `@action` (each module's `__calmtui_actions__` dict), and — when the code imports
rasa_sdk — `rasa_sdk.Action` subclasses defined in those modules. Importing user code can fail
in any way; that becomes `ActionsModule.error` (message and traceback), never an exception.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
import importlib.machinery
import inspect
import pkgutil
import sys
import sysconfig
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from calmtui.actions.sdk import ADAPTER_MARK, REGISTRY_ATTRIBUTE, NativeAction

# How to get rasa_sdk: calmtui's `sdk` extra pins the version calmtui is tested with.
SDK_INSTALL = "pip install 'calmtui[sdk]' (rasa-sdk 3.21.1)"
_ACTIONS_PACKAGE = str(Path(__file__).resolve().parent)
_IMPORTLIB = str(Path(importlib.__file__).resolve().parent)
# Synchronous actions run in a worker thread: asyncio's and the thread pool's frames are ours too.
_STDLIB_RUNNERS = tuple(
    str(Path(module.__file__).resolve().parent)
    for module in (
        importlib.import_module("asyncio"),
        importlib.import_module("concurrent.futures"),
    )
    if module.__file__
)
_INSTALLED = tuple(
    str(Path(p).resolve())
    for key in ("stdlib", "platstdlib", "purelib", "platlib")
    if (p := sysconfig.get_paths().get(key))
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SdkAction:
    """A rasa_sdk `Action` instance found in the module."""

    name: str
    instance: Any
    module: str


FoundAction = NativeAction | SdkAction


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionsModule:
    """The outcome of importing `module_name` from `root`."""

    module_name: str
    root: str
    actions: Mapping[str, FoundAction] = field(default_factory=dict[str, FoundAction])
    error: str | None = None
    detail: str = ""
    # True when the module does not exist at all (rather than failing while it is imported).
    missing: bool = False

    @property
    def names(self) -> list[str]:
        return sorted(self.actions)

    def suggestion(self, name: str) -> str | None:
        """`did you mean '...'?` for a misspelled action, ignoring the shared `action_` prefix
        (which would make every `action_*` name look alike)."""
        stems = {n.removeprefix("action_"): n for n in self.actions}
        matches = difflib.get_close_matches(
            name.removeprefix("action_"), list(stems), n=1, cutoff=0.75
        )
        return f"did you mean {stems[matches[0]]!r}?" if matches else None


def load_actions_module(root: str | Path, module_name: str) -> ActionsModule:
    """Import the project's actions module (fresh) and collect its custom actions."""
    root_path = str(Path(root).resolve())
    if not _valid_module_name(module_name):
        return ActionsModule(
            module_name=module_name,
            root=root_path,
            error=f"actions_module {module_name!r} is not a Python module name (e.g. 'actions')",
        )
    top = module_name.split(".")[0]
    if importlib.machinery.PathFinder.find_spec(top, [root_path]) is None:
        return _missing(module_name, root_path, top)  # never import a same-named module elsewhere
    _forget(top)
    sys.path.insert(0, root_path)
    # No .pyc for the project's code: a .pyc is trusted while the source's size and mtime (whole
    # seconds) match, so an edit saved within the second of the last import, keeping the file's
    # size ("1.0" -> "3.0"), would hot-reload the old code.
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        actions = _collect(list(_import_all(module_name)))
    except (Exception, SystemExit) as exc:  # user code may raise anything, even sys.exit()
        if isinstance(exc, ModuleNotFoundError) and exc.name in _prefixes(module_name):
            return _missing(module_name, root_path, exc.name)
        if _is_missing_rasa_sdk(exc):
            return ActionsModule(
                module_name=module_name,
                root=root_path,
                error=f"cannot import the actions module {module_name!r}: it uses rasa_sdk, "
                f"which is not installed; install it with: {SDK_INSTALL}",
                detail=user_traceback(exc),
            )
        return ActionsModule(
            module_name=module_name,
            root=root_path,
            error=f"cannot import the actions module {module_name!r}: {_describe(exc)}",
            detail=user_traceback(exc),
        )
    finally:
        sys.dont_write_bytecode = writes_bytecode
        _remove_path(root_path)
    return ActionsModule(module_name=module_name, root=root_path, actions=actions)


def _is_missing_rasa_sdk(exc: BaseException) -> bool:
    """The actions import rasa_sdk (or one of its modules) and rasa_sdk itself is not there (a
    missing submodule of an installed rasa_sdk is the user's own error, reported as it is)."""
    name = getattr(exc, "name", None) if isinstance(exc, ModuleNotFoundError) else None
    return (
        isinstance(name, str)
        and name.split(".")[0] == "rasa_sdk"
        and sys.modules.get("rasa_sdk") is None
    )


def _missing(module_name: str, root: str, part: str) -> ActionsModule:
    where = part.replace(".", "/")
    error = f"the actions module {module_name!r} does not exist in the project (no {where}/ package or {where}.py)"
    return ActionsModule(module_name=module_name, root=root, error=error, missing=True)


def _prefixes(module_name: str) -> set[str]:
    """`a.b.c` -> {a, a.b, a.b.c}: a ModuleNotFoundError for one of them means "not there"."""
    parts = module_name.split(".")
    return {".".join(parts[: i + 1]) for i in range(len(parts))}


def _valid_module_name(name: str) -> bool:
    return bool(name) and all(part.isidentifier() for part in name.split("."))


def _forget(top: str) -> None:
    """Drop an earlier import of the project package; installed modules are never touched."""
    loaded = sys.modules.get(top)
    if top == "calmtui" or (
        loaded is not None and _is_installed(getattr(loaded, "__file__", None))
    ):
        return
    for name in [m for m in sys.modules if m == top or m.startswith(top + ".")]:
        del sys.modules[name]
    importlib.invalidate_caches()


def _is_installed(filename: str | None) -> bool:
    if not filename:
        return False
    return str(Path(filename).resolve()).startswith(_INSTALLED)


def _remove_path(entry: str) -> None:
    with contextlib.suppress(ValueError):  # the user's code may have removed it already
        sys.path.remove(entry)


def _import_all(module_name: str) -> Iterator[ModuleType]:
    """The module and, for a package, every submodule (as rasa_sdk's `register_package` does)."""
    module = importlib.import_module(module_name)
    yield module
    path = getattr(module, "__path__", None)
    if path is None:
        return
    for info in pkgutil.iter_modules(path, prefix=module.__name__ + "."):
        if info.ispkg:
            yield from _import_all(info.name)
        else:
            yield importlib.import_module(info.name)


def _collect(modules: list[ModuleType]) -> dict[str, FoundAction]:
    """`@action` functions win over rasa_sdk classes of the same name; within each kind the
    last definition wins, as with rasa_sdk's registry."""
    native: dict[str, FoundAction] = {}
    classes: dict[str, FoundAction] = {}
    sdk = sys.modules.get("rasa_sdk.interfaces")
    for module in modules:
        registry = vars(module).get(REGISTRY_ATTRIBUTE)
        if isinstance(registry, dict):
            for name, found in registry.items():  # type: ignore[misc]
                if isinstance(found, NativeAction):
                    native[str(name)] = found  # type: ignore[misc]
        if sdk is None:
            continue
        for cls in list(vars(module).values()):
            if _is_sdk_action_class(cls, sdk.Action, module.__name__):
                instance = cls()
                name = instance.name()
                if isinstance(name, str):
                    classes[name] = SdkAction(name=name, instance=instance, module=module.__name__)
    return {**classes, **native}


def _is_sdk_action_class(value: Any, base: type, module_name: str) -> bool:
    return (
        inspect.isclass(value)
        and issubclass(value, base)
        and value is not base
        and value.__module__ == module_name
        and not getattr(value, ADAPTER_MARK, False)
        and not inspect.isabstract(value)
    )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SyntaxError):
        where = f" ({Path(exc.filename).name}:{exc.lineno})" if exc.filename else ""
        return f"SyntaxError: {exc.msg}{where}"
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def user_traceback(exc: BaseException) -> str:
    """The traceback from the first frame outside calmtui and importlib: the user's code."""
    tb = exc.__traceback__
    while tb is not None and _is_internal(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    frames = traceback.format_exception(type(exc), exc, tb or exc.__traceback__)
    return "".join(frames).rstrip()


def _is_internal(filename: str) -> bool:
    return filename.startswith(("<frozen", _ACTIONS_PACKAGE, _IMPORTLIB, *_STDLIB_RUNNERS))
