"""ionos-migrate: move code off the retired IONOS AI Model Hub native API."""

__version__ = "0.1.0"
