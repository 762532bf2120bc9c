"""HTTP hooks that let tests drive a SageMaker rollout deterministically.

    POST /_verdict/sagemaker/rollouts/{hold|release|complete|rollback}
    body: {"endpointName": "...", "alarmNames": ["..."], "region": "us-east-1", "accountId": "123456789012"}

`hold` keeps the endpoint's next updates in Baking until `complete` or `rollback`; `release` lets
later updates complete at once again (the default).
"""

from __future__ import annotations

import json
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.sagemaker.models import sagemaker_backends
from moto.sagemaker.exceptions import ValidationError
from werkzeug.wrappers import Request, Response

import sagemaker_rollouts

PREFIX = "/_verdict/sagemaker/rollouts/"


def _endpoint_view(endpoint: Any) -> dict[str, Any]:
    return {
        "EndpointName": endpoint.endpoint_name,
        "EndpointStatus": endpoint.endpoint_status,
        "EndpointConfigName": endpoint.endpoint_config_name,
    }


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def handle(environ: dict[str, Any], start_response: Any) -> Any:
    request = Request(environ)
    return _dispatch(request)(environ, start_response)


def _dispatch(request: Request) -> Response:
    action = request.path[len(PREFIX):].strip("/")
    if request.method != "POST":
        return _json(405, {"message": "use POST"})
    try:
        body = json.loads(request.get_data(as_text=True) or "{}")
    except ValueError:
        return _json(400, {"message": "body must be JSON"})
    endpoint_name = body.get("endpointName")
    if not isinstance(endpoint_name, str) or not endpoint_name:
        return _json(400, {"message": "endpointName is required"})
    backend = sagemaker_backends[body.get("accountId", DEFAULT_ACCOUNT_ID)][body.get("region", "us-east-1")]
    try:
        if action == "hold":
            sagemaker_rollouts.hold(backend, endpoint_name)
            return _json(200, {"held": endpoint_name})
        if action == "release":
            sagemaker_rollouts.release(backend, endpoint_name)
            return _json(200, {"released": endpoint_name})
        if action == "complete":
            return _json(200, _endpoint_view(sagemaker_rollouts.complete_rollout(backend, endpoint_name)))
        if action == "rollback":
            alarms = body.get("alarmNames") or []
            return _json(200, _endpoint_view(sagemaker_rollouts.roll_back(backend, endpoint_name, alarms)))
    except ValidationError as error:
        return _json(404, {"message": error.message})
    except sagemaker_rollouts.RolloutNotPending as error:
        return _json(409, {"message": str(error)})
    return _json(404, {"message": f"unknown hook {action!r}"})
