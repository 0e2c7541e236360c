import argparse
import os

from .api import predict


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hub", description="Ask the hosted model one question.")
    parser.add_argument("prompt", nargs="?", default="Say hello in French.")
    # ionos-migrate: the retired URL https://inference.de-txl.ionos.com/models; the
    #   legacy model id 2ba0c784-2e6a-4509-b3dd-cbd66cf0a75f: no request the tool can
    #   follow uses this here; see the ionos-migrate report
    parser.add_argument("--endpoint", default=os.getenv("IONOS_ENDPOINT", "https://inference.de-txl.ionos.com/models"))  # legacy: base URL
    parser.add_argument("--model-id", default="2ba0c784-2e6a-4509-b3dd-cbd66cf0a75f")  # legacy: model id
    parser.add_argument("--max-length", type=int, default=80)
    return parser


def main(argv=None) -> None:
    args = build_parser().parse_args(argv)
    token = os.environ["IONOS_API_TOKEN"]
    print(predict(args.endpoint, args.model_id, token, args.prompt, args.max_length))
