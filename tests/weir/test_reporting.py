"""What any Weir process sends to Sentry, with a real client whose transport keeps envelopes in memory."""

from __future__ import annotations

import logging

import sentry_sdk

from erp.errors import ErpDeferred, ErpThrottled, ErpUnavailable
from tests.support.sentry import recording_sentry
from weir import log_context
from weir.reporting import init_reporting, report
from weir.settings import ServiceSettings


def test_without_a_dsn_nothing_is_reported() -> None:
    assert init_reporting(ServiceSettings(sentry_dsn=None)) is False


def test_deferrals_are_never_sent_whoever_captures_them(service: ServiceSettings) -> None:
    with recording_sentry(service) as sentry:
        for deferral in (ErpThrottled("429 from the ERP", retry_after=1.0), ErpUnavailable("503 from the ERP")):
            try:
                raise deferral
            except ErpDeferred:
                sentry_sdk.capture_exception()
                logging.getLogger("tests").exception("Deferred.")
        sentry_sdk.capture_exception(RuntimeError("a bug"))

        assert [event["exception"]["values"][-1]["type"] for event in sentry.events] == ["RuntimeError"]


def test_a_drop_rule_of_the_entry_point_applies_but_not_to_deliberate_reports(service: ServiceSettings) -> None:
    def drop_everything(event: object, hint: object) -> bool:
        return True

    with recording_sentry(service, drop=[drop_everything]) as sentry:
        sentry_sdk.capture_message("dropped")
        report({"message": "kept", "level": "error"})

        assert [event["message"] for event in sentry.events] == ["kept"]


def test_events_are_tagged_with_the_ids_bound_where_they_were_captured(service: ServiceSettings) -> None:
    with recording_sentry(service) as sentry:
        with log_context.bound(correlation_id="c-1", channel="shop-us", event_id="e-1"):
            sentry_sdk.capture_message("tagged")

        [event] = sentry.events
        assert {name: event["tags"][name] for name in ("correlation_id", "channel", "event_id")} == {
            "correlation_id": "c-1",
            "channel": "shop-us",
            "event_id": "e-1",
        }


def test_request_bodies_are_never_sent(service: ServiceSettings) -> None:
    with recording_sentry(service):
        assert sentry_sdk.get_client().options["max_request_body_size"] == "never"


def test_a_frame_s_local_variables_are_never_sent(service: ServiceSettings) -> None:
    def apply(envelope: dict[str, str]) -> None:
        raise RuntimeError("a bug")

    email = "-".join(
        ("ada", "lovelace@example.com")
    )  # built at run time: the source lines Sentry sends hold no such text
    with recording_sentry(service) as sentry:
        try:
            apply({"email": email})
        except RuntimeError:
            sentry_sdk.capture_exception()

        [event] = sentry.events
        frames = event["exception"]["values"][-1]["stacktrace"]["frames"]
        assert [frame for frame in frames if frame.get("vars")] == []
        assert email not in str(event)
