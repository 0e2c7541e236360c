import asyncio

import httpx

from assistant.service import ask


async def main() -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        print(await ask(client, "Name three rivers in Germany."))


asyncio.run(main())
