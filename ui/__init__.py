"""The web chat (Gradio): ``from ui.app import build_app, launch`` or ``qa chat``.

Gradio is imported by :mod:`ui.app` only, so ``import ui`` stays light.
"""

__all__ = ["build_app", "launch"]


def __getattr__(name: str):
    if name in __all__:
        from ui import app

        return getattr(app, name)
    raise AttributeError(f"module 'ui' has no attribute {name!r}")
