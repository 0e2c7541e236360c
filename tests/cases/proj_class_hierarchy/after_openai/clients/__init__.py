from .ionos import IonosClient

__all__ = ["IonosClient"]
