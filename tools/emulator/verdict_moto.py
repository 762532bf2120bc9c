"""The AWS emulator of the integration tests: moto_server with SageMaker endpoint deployments.

Run as `.venv/bin/python tools/emulator/verdict_moto.py -H 127.0.0.1 -p 5000` (the arguments of
`moto_server`). See README.md next to this file for what is extended and how faithfully.
"""

from __future__ import annotations

import sys
from typing import Any

import moto.server
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

import sagemaker_models
import sagemaker_rollouts
import test_hooks


class VerdictDispatcher(DomainDispatcherApplication):
    """moto's dispatcher, with the rollout hooks answered before any AWS routing."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO", "").startswith(test_hooks.PREFIX):
            return test_hooks.handle(environ, start_response)
        return super().__call__(environ, start_response)


def main(argv: list[str] | None = None) -> None:
    sagemaker_models.install()
    sagemaker_rollouts.install()
    moto.server.DomainDispatcherApplication = VerdictDispatcher
    moto.server.main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
