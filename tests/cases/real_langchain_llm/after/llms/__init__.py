from .ionos import IonosHubLLM

__all__ = ["IonosHubLLM"]
