"""Aula Consular core: application factory, people, offices, access and shared helpers."""

from app.factory import create_app

__all__ = ["create_app"]
__version__ = "0.1.0"
