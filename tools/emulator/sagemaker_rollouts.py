"""SageMaker endpoint deployments for moto: UpdateEndpoint, the instance types of the service model,
and the endpoint events SageMaker sends to EventBridge.

moto keeps endpoints in `sagemaker_backends[account][region]`; the rollout state added here lives on
the same backend objects, so `/moto-api/reset` clears it with everything else.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import botocore.session
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.events.models import events_backends
from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import (
    FakeEndpoint,
    FakeEndpointConfig,
    SageMakerModelBackend,
)
from moto.sagemaker.responses import SageMakerResponse
from shape_validation import validation_errors, validation_message

SERVICE_MODEL = botocore.session.get_session().get_service_model("sagemaker")
INSTANCE_TYPE_SHAPE = SERVICE_MODEL.shape_for("ProductionVariantInstanceType")
UPDATE_ENDPOINT_INPUT = SERVICE_MODEL.operation_model("UpdateEndpoint").input_shape

EVENT_SOURCE = "aws.sagemaker"
ENDPOINT_STATE_CHANGE = "SageMaker Endpoint State Change"
DEPLOYMENT_STATE_CHANGE = "SageMaker Endpoint Deployment State Change"
EVENT_STATUS = {
    "Creating": "CREATING",
    "Updating": "UPDATING",
    "InService": "IN_SERVICE",
    "Deleting": "DELETING",
    "RollingBack": "ROLLING_BACK",
    "Failed": "FAILED",
}


class RolloutNotPending(Exception):
    """A hook asked to finish a rollout that is not in progress."""


# ---------------------------------------------------------------------------------------------------
# Instance types: the service model's enum instead of moto's short list
# ---------------------------------------------------------------------------------------------------


def _validate_production_variants(
    self: FakeEndpointConfig, production_variants: list[dict[str, Any]]
) -> None:
    errors: list[str] = []
    for index, variant in enumerate(production_variants or [], start=1):
        if "InstanceType" in variant:
            path = f"productionVariants.{index}.member.instanceType"
            errors.extend(validation_errors(INSTANCE_TYPE_SHAPE, variant["InstanceType"], path))
        elif "ServerlessConfig" in variant:
            self.validate_serverless_config(variant["ServerlessConfig"])
        else:
            raise ValidationError(
                message=f"Invalid Keys for ProductionVariant: received {variant.keys()} but expected it "
                "to contain one of ['InstanceType', 'ServerlessConfig']"
            )
    if errors:
        raise ValidationError(message=validation_message(errors))


# ---------------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------------


def _epoch_millis(moment: datetime) -> int:
    if moment.tzinfo is None:  # moto keeps naive UTC times
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


def _endpoint_detail(endpoint: FakeEndpoint) -> dict[str, Any]:
    variants = [
        {
            key: variant[key]
            for key in ("VariantName", "DesiredWeight", "DesiredInstanceCount")
            if variant.get(key) is not None
        }
        for variant in endpoint.production_variants
    ]
    detail: dict[str, Any] = {
        "EndpointName": endpoint.endpoint_name,
        "EndpointArn": endpoint.arn,
        "EndpointConfigName": endpoint.endpoint_config_name,
        "ProductionVariants": variants,
        "EndpointStatus": EVENT_STATUS.get(endpoint.endpoint_status, endpoint.endpoint_status.upper()),
        "CreationTime": _epoch_millis(endpoint.creation_time),
        "LastModifiedTime": _epoch_millis(endpoint.last_modified_time),
        "Tags": {tag["Key"]: tag["Value"] for tag in endpoint.tags},
    }
    if getattr(endpoint, "failure_reason", None):
        detail["FailureReason"] = endpoint.failure_reason
    return detail


def _deployment_detail(endpoint: FakeEndpoint, pending: dict[str, Any]) -> dict[str, Any]:
    summary = {
        "EndpointConfigName": pending["EndpointConfigName"],
        "StartTime": _epoch_millis(pending["StartTime"]),
        "ProductionVariants": [
            {
                **{key: value for key, value in variant.items() if key != "VariantStatus"},
                "VariantStatus": [
                    {**status, "StartTime": _epoch_millis(status["StartTime"])}
                    for status in variant["VariantStatus"]
                ],
            }
            for variant in pending["ProductionVariants"]
        ],
    }
    return {**_endpoint_detail(endpoint), "PendingDeploymentSummary": summary}


def _emit(
    backend: SageMakerModelBackend, endpoint: FakeEndpoint, detail_type: str, detail: dict[str, Any]
) -> None:
    events_backends[backend.account_id][backend.region_name].put_events(
        [
            {
                "Source": EVENT_SOURCE,
                "DetailType": detail_type,
                "Detail": json.dumps(detail),
                "Resources": [endpoint.arn],
            }
        ]
    )


def _emit_state(backend: SageMakerModelBackend, endpoint: FakeEndpoint) -> None:
    _emit(backend, endpoint, ENDPOINT_STATE_CHANGE, _endpoint_detail(endpoint))


# ---------------------------------------------------------------------------------------------------
# CreateEndpoint / DeleteEndpoint with events
# ---------------------------------------------------------------------------------------------------

_moto_create_endpoint = SageMakerModelBackend.create_endpoint
_moto_delete_endpoint = SageMakerModelBackend.delete_endpoint


def _data_capture_summary(config: dict[str, Any] | None) -> dict[str, Any] | None:
    """DescribeEndpoint answers a DataCaptureConfigSummary, and none when capture is not configured
    (moto returns the endpoint config's DataCaptureConfig, `{}` when absent)."""
    if not config:
        return None
    enabled = bool(config.get("EnableCapture", True))
    return {
        "EnableCapture": enabled,
        "CaptureStatus": "Started" if enabled else "Stopped",
        "CurrentSamplingPercentage": config.get("InitialSamplingPercentage", 0),
        "DestinationS3Uri": config.get("DestinationS3Uri", ""),
        "KmsKeyId": config.get("KmsKeyId", ""),
    }


def _create_endpoint(
    self: SageMakerModelBackend, endpoint_name: str, endpoint_config_name: str, tags: Any
) -> FakeEndpoint:
    endpoint = _moto_create_endpoint(self, endpoint_name, endpoint_config_name, tags)
    endpoint.data_capture_config = _data_capture_summary(endpoint.data_capture_config)
    endpoint.endpoint_status = "Creating"
    _emit_state(self, endpoint)
    endpoint.endpoint_status = "InService"
    _emit_state(self, endpoint)
    return endpoint


def _delete_endpoint(self: SageMakerModelBackend, endpoint_name: str) -> None:
    endpoint = self.endpoints.get(endpoint_name)
    _moto_delete_endpoint(self, endpoint_name)
    _rollouts(self).pop(endpoint_name, None)
    if endpoint is not None:
        endpoint.endpoint_status = "Deleting"
        endpoint.last_modified_time = utcnow()
        _emit_state(self, endpoint)


# ---------------------------------------------------------------------------------------------------
# UpdateEndpoint
# ---------------------------------------------------------------------------------------------------


def _rollouts(backend: SageMakerModelBackend) -> dict[str, dict[str, Any]]:
    if not hasattr(backend, "verdict_rollouts"):
        backend.verdict_rollouts = {}
    return backend.verdict_rollouts


def _holds(backend: SageMakerModelBackend) -> set[str]:
    if not hasattr(backend, "verdict_holds"):
        backend.verdict_holds = set()
    return backend.verdict_holds


def _find_endpoint(backend: SageMakerModelBackend, endpoint_name: str) -> FakeEndpoint:
    endpoint = backend.endpoints.get(endpoint_name)
    if endpoint is None:
        arn = FakeEndpoint.arn_formatter(endpoint_name, backend.account_id, backend.region_name)
        raise ValidationError(message=f"Could not find endpoint '{arn}'.")
    return endpoint


def _check_deployment_config(deployment_config: dict[str, Any] | None) -> None:
    """Rules the service states in prose rather than in the model (messages are the emulator's)."""
    if not deployment_config:
        return
    blue_green = deployment_config.get("BlueGreenUpdatePolicy")
    if blue_green and deployment_config.get("RollingUpdatePolicy"):
        raise ValidationError(
            message="Only one of BlueGreenUpdatePolicy or RollingUpdatePolicy can be specified "
            "in DeploymentConfig."
        )
    routing = (blue_green or {}).get("TrafficRoutingConfiguration") or {}
    if routing.get("Type") == "CANARY" and not routing.get("CanarySize"):
        raise ValidationError(
            message="CanarySize must be specified when TrafficRoutingConfiguration Type is CANARY."
        )
    if routing.get("Type") == "LINEAR" and not routing.get("LinearStepSize"):
        raise ValidationError(
            message="LinearStepSize must be specified when TrafficRoutingConfiguration Type is LINEAR."
        )


def _target_variants(
    endpoint: FakeEndpoint,
    config_variants: list[dict[str, Any]],
    retain_all: bool,
    excluded: list[dict[str, str]],
) -> list[dict[str, Any]]:
    target = endpoint._process_production_variants(config_variants)
    if not retain_all:
        return target
    excluded_types = {item["VariantPropertyType"] for item in excluded or []}
    current = {variant["VariantName"]: variant for variant in endpoint.production_variants}
    for variant in target:
        old = current.get(variant["VariantName"])
        if old is None:
            continue
        if "DesiredInstanceCount" not in excluded_types and "DesiredInstanceCount" in old:
            variant["DesiredInstanceCount"] = variant["CurrentInstanceCount"] = old["DesiredInstanceCount"]
        if "DesiredWeight" not in excluded_types and "DesiredWeight" in old:
            variant["DesiredWeight"] = variant["CurrentWeight"] = old["DesiredWeight"]
    return target


def _pending_summary(
    config_name: str,
    config_variants: list[dict[str, Any]],
    target: list[dict[str, Any]],
) -> dict[str, Any]:
    started = utcnow()
    instance_types = {variant["VariantName"]: variant.get("InstanceType") for variant in config_variants}
    variants = []
    for variant in target:
        summary = {
            "VariantName": variant["VariantName"],
            "CurrentWeight": 0.0,
            "DesiredWeight": variant.get("DesiredWeight"),
            "CurrentInstanceCount": variant.get("DesiredInstanceCount"),
            "DesiredInstanceCount": variant.get("DesiredInstanceCount"),
            "InstanceType": instance_types.get(variant["VariantName"]),
            "VariantStatus": [
                {
                    "Status": "Baking",
                    "StatusMessage": "Baking: monitoring the auto-rollback alarms of the new fleet.",
                    "StartTime": started,
                }
            ],
        }
        variants.append({key: value for key, value in summary.items() if value is not None})
    return {"EndpointConfigName": config_name, "StartTime": started, "ProductionVariants": variants}


def update_endpoint(
    self: SageMakerModelBackend,
    endpoint_name: str,
    endpoint_config_name: str,
    retain_all_variant_properties: bool,
    exclude_retained_variant_properties: list[dict[str, str]],
    deployment_config: dict[str, Any] | None,
    retain_deployment_config: bool,
) -> FakeEndpoint:
    endpoint = _find_endpoint(self, endpoint_name)
    config = self.describe_endpoint_config(endpoint_config_name)
    if endpoint.endpoint_status != "InService":
        raise ValidationError(message=f'Cannot update in-progress endpoint "{endpoint.arn}".')
    _check_deployment_config(deployment_config)
    effective_config = deployment_config
    if effective_config is None and retain_deployment_config:
        effective_config = getattr(endpoint, "last_deployment_config", None)

    target = _target_variants(
        endpoint,
        config["ProductionVariants"],
        retain_all_variant_properties,
        exclude_retained_variant_properties,
    )
    pending = _pending_summary(endpoint_config_name, config["ProductionVariants"], target)
    _rollouts(self)[endpoint_name] = {
        "config_name": endpoint_config_name,
        "variants": target,
        "deployment_config": effective_config,
        "data_capture_config": config.get("DataCaptureConfig"),
    }
    endpoint.endpoint_status = "Updating"
    endpoint.failure_reason = None
    endpoint.last_modified_time = utcnow()
    endpoint.pending_deployment_summary = pending
    _emit_state(self, endpoint)
    _emit(self, endpoint, DEPLOYMENT_STATE_CHANGE, _deployment_detail(endpoint, pending))

    if endpoint_name not in _holds(self):
        complete_rollout(self, endpoint_name)
    return endpoint


def complete_rollout(backend: SageMakerModelBackend, endpoint_name: str) -> FakeEndpoint:
    endpoint = _find_endpoint(backend, endpoint_name)
    rollout = _rollouts(backend).pop(endpoint_name, None)
    if rollout is None:
        raise RolloutNotPending(f"endpoint {endpoint_name} has no rollout in progress")
    endpoint.endpoint_config_name = rollout["config_name"]
    endpoint.production_variants = rollout["variants"]
    endpoint.data_capture_config = _data_capture_summary(rollout["data_capture_config"])
    endpoint.last_deployment_config = rollout["deployment_config"]
    endpoint.pending_deployment_summary = None
    endpoint.endpoint_status = "InService"
    endpoint.last_modified_time = utcnow()
    _emit_state(backend, endpoint)
    return endpoint


def roll_back(backend: SageMakerModelBackend, endpoint_name: str, alarm_names: list[str]) -> FakeEndpoint:
    """What SageMaker does when an auto-rollback alarm fires while the new fleet bakes."""
    endpoint = _find_endpoint(backend, endpoint_name)
    rollout = _rollouts(backend).pop(endpoint_name, None)
    if rollout is None:
        raise RolloutNotPending(f"endpoint {endpoint_name} has no rollout in progress")
    rollback_config = (rollout["deployment_config"] or {}).get("AutoRollbackConfiguration") or {}
    configured = [alarm["AlarmName"] for alarm in rollback_config.get("Alarms", [])]
    fired = alarm_names or configured[:1]
    reason = f"Deployment rolled back: CloudWatch alarm(s) {', '.join(fired)} went into ALARM state."
    pending = endpoint.pending_deployment_summary
    now = utcnow()
    for variant in pending["ProductionVariants"]:
        variant["CurrentWeight"] = 0.0
        variant["VariantStatus"] = [{"Status": "Deleting", "StatusMessage": reason, "StartTime": now}]
    endpoint.last_modified_time = now
    _emit(backend, endpoint, DEPLOYMENT_STATE_CHANGE, _deployment_detail(endpoint, pending))
    endpoint.pending_deployment_summary = None
    endpoint.failure_reason = reason
    endpoint.endpoint_status = "InService"
    _emit_state(backend, endpoint)
    return endpoint


def hold(backend: SageMakerModelBackend, endpoint_name: str) -> None:
    _holds(backend).add(endpoint_name)


def release(backend: SageMakerModelBackend, endpoint_name: str) -> None:
    _holds(backend).discard(endpoint_name)


def _update_endpoint_response(self: SageMakerResponse) -> ActionResult:
    request = json.loads(self.body or "{}")
    errors = validation_errors(UPDATE_ENDPOINT_INPUT, request)
    if errors:
        raise ValidationError(message=validation_message(errors))
    endpoint = self.sagemaker_backend.update_endpoint(
        endpoint_name=request["EndpointName"],
        endpoint_config_name=request["EndpointConfigName"],
        retain_all_variant_properties=bool(request.get("RetainAllVariantProperties")),
        exclude_retained_variant_properties=request.get("ExcludeRetainedVariantProperties") or [],
        deployment_config=request.get("DeploymentConfig"),
        retain_deployment_config=bool(request.get("RetainDeploymentConfig")),
    )
    return ActionResult({"EndpointArn": endpoint.arn})


def install() -> None:
    FakeEndpointConfig.validate_production_variants = _validate_production_variants
    SageMakerModelBackend.create_endpoint = _create_endpoint
    SageMakerModelBackend.delete_endpoint = _delete_endpoint
    SageMakerModelBackend.update_endpoint = update_endpoint
    SageMakerResponse.update_endpoint = _update_endpoint_response
