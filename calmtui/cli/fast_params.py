"""Plain option values without pydantic.

Typer 0.29 converts every non-flag option through a pydantic `TypeAdapter`, and importing
pydantic costs about 90 ms on each `calmtui` invocation — a third of `calmtui validate` on a
small project. calmtui's options are plain `str`/`int`/`float`/`bool`/`Path` values (or lists of them)
without constraints, so we convert exactly those directly and hand everything else (choices,
ranges, files, path checks, custom parsers) to Typer unchanged.

This reaches into Typer's private `_coercion` module, which is why Typer is pinned to ~=0.29 and
why `install()` checks the shape it relies on and does nothing if it is not there.
`tests/cli/test_fast_params.py` checks both the values and that pydantic stays unimported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "t", "yes", "y", "on"):
        return True
    if text in ("0", "false", "f", "no", "n", "off"):
        return False
    raise ValueError(value)


_bool.__name__ = "boolean"
_CONVERTERS: dict[Any, Callable[[Any], Any]] = {
    str: str,
    int: int,
    float: float,
    Path: Path,
    bool: _bool,
}
_PATH_DEFAULTS = {
    "exists": False,
    "file_okay": True,
    "dir_okay": True,
    "writable": False,
    "readable": True,
    "resolve_path": False,
    "allow_dash": False,
    "path_type": None,
}


def install() -> bool:
    """Route plain options around pydantic; returns False when Typer's internals have changed."""
    try:
        from typer import core
        from typer._click.exceptions import BadParameter
        from typer._coercion import RuntimeParam, build_runtime_param
    except ImportError:
        return False
    current = getattr(core, "build_runtime_param", None)
    if current is not build_runtime_param:
        return getattr(current, "calmtui_fast", False)

    @dataclass(frozen=True)
    class PlainRuntimeParam(RuntimeParam):  # type: ignore[misc]
        convert: Callable[[Any], Any]

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if isinstance(value, list | tuple):
                return type(value)(self._one(v, param, ctx) for v in value)  # type: ignore[arg-type]
            return self._one(value, param, ctx)

        def _one(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                return self.convert(value)
            except (TypeError, ValueError) as exc:
                name = getattr(self.convert, "__name__", "value")
                raise BadParameter(
                    f"{value!r} is not a valid {name}.", ctx=ctx, param=param
                ) from exc

    def fast_build_runtime_param(descriptor: Any) -> Any:
        convert = _plain_converter(descriptor)
        if convert is None:
            return build_runtime_param(descriptor)
        return PlainRuntimeParam(
            parameter_info=descriptor.parameter_info,
            annotation=descriptor.annotation,
            convert=convert,
        )

    fast_build_runtime_param.calmtui_fast = True  # type: ignore[attr-defined]
    core.build_runtime_param = fast_build_runtime_param  # type: ignore[assignment]
    return True


def _plain_converter(descriptor: Any) -> Callable[[Any], Any] | None:
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or descriptor.is_choice or info.parser is not None:
        return None
    if info.min is not None or info.max is not None or getattr(info, "formats", None):
        return None
    annotation = descriptor.annotation
    if get_origin(annotation) is list:
        args = get_args(annotation)
        annotation = args[0] if len(args) == 1 else None
    convert = _CONVERTERS.get(annotation)
    if convert is Path and any(getattr(info, k, v) != v for k, v in _PATH_DEFAULTS.items()):
        return None
    return convert
