import asyncio
import os

import httpx

from summariser.service import SummaryService

# ionos-migrate: the retired URL https://inference.de-txl.ionos.com/models; the legacy
#   model id b18b18de-92c3-466e-81a8-e5df91890091: no request the tool can follow uses
#   this here; see the ionos-migrate report
service = SummaryService(
    api_url=os.environ.get("IONOS_API_URL", "https://inference.de-txl.ionos.com/models"),  # legacy: base URL
    model_id=os.environ.get("IONOS_MODEL_ID", "b18b18de-92c3-466e-81a8-e5df91890091"),  # legacy: model id
    token=os.environ.get("IONOS_API_TOKEN", ""),
)


async def main() -> None:
    async with httpx.AsyncClient() as client:
        print(await service.summarise(client, "The Rhine flows from the Alps to the North Sea."))


asyncio.run(main())
