"""Response generation: choose a variation, then fill it in (FORMATS.md b.2).

`selection` picks the variation (conditions, channel, language, seeded randomness), `templating`
holds the format and sandboxed Jinja engines, `rendering` turns a variation into a
`RenderedResponse`. All of it is pure: randomness only comes from the `random.Random` passed in.
"""

from calmtui.core.nlg.rendering import RenderedResponse, render_response, render_variation
from calmtui.core.nlg.selection import legacy_condition_holds, select_variation
from calmtui.core.nlg.templating import interpolate_text, render_jinja

__all__ = [
    "RenderedResponse",
    "interpolate_text",
    "legacy_condition_holds",
    "render_jinja",
    "render_response",
    "render_variation",
    "select_variation",
]
