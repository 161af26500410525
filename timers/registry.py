"""Handlers per timer kind, registered by the apps that schedule them."""

from collections.abc import Callable

_handlers: dict[str, Callable] = {}


def timer_handler(kind: str):
    def decorator(func):
        _handlers[kind] = func
        return func

    return decorator


def handler_for(kind: str) -> Callable | None:
    return _handlers.get(kind)
