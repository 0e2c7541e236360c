import asyncio
import functools


def with_retries(attempts: int = 3, delay: float = 0.5):
    """Retry a coroutine on any exception, with a fixed delay."""

    def wrap(function):
        @functools.wraps(function)
        async def run(*args, **kwargs):
            for attempt in range(attempts):
                try:
                    return await function(*args, **kwargs)
                except Exception:
                    if attempt == attempts - 1:
                        raise
                    await asyncio.sleep(delay)

        return run

    return wrap
