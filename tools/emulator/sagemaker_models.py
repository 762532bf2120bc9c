"""CreateModel keeps `EnableNetworkIsolation`: moto accepts it and drops it, so DescribeModel always
answered `false` for a model created isolated."""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.sagemaker.responses import SageMakerResponse

_moto_create_model = SageMakerResponse.create_model


def _create_model(self: SageMakerResponse) -> ActionResult:
    result = _moto_create_model(self)
    model = self.sagemaker_backend.describe_model(self._get_param("ModelName"))
    model.enable_network_isolation = bool(self._get_param("EnableNetworkIsolation"))
    return result


def install() -> None:
    SageMakerResponse.create_model = _create_model
