from .client import ChatClient
from .factory import load_config

__all__ = ["ChatClient", "load_config"]
