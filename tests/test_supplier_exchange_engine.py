from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from itil_crm.engines.supplier_exchange import MAX_DELAY, outcome, reference, retry_delay, sign, verify

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_what_an_answer_means():
	assert outcome(201) == "delivered"
	assert outcome(None, network_error=True) == "retry"
	assert outcome(503) == "retry" and outcome(429) == "retry"
	assert outcome(400) == "refused" and outcome(404) == "refused" and outcome(409) == "refused"


def test_backoff_doubles_and_retry_after_wins():
	assert [retry_delay(n, 30).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
	assert retry_delay(1, 30, "7").total_seconds() == 7
	assert retry_delay(1, 30, "Mon, 30 Nov 2026 12:02:00 GMT", NOW).total_seconds() == 120
	assert retry_delay(1, 30, "garbage").total_seconds() == 30


@given(
	attempt=st.integers(1, 60), base=st.floats(0, 10_000), after=st.one_of(st.none(), st.text(max_size=30))
)
def test_a_delay_is_never_negative_nor_above_an_hour(attempt, base, after):
	delay = retry_delay(attempt, base, after, NOW)
	assert timedelta(0) <= delay <= MAX_DELAY


def test_the_reference_at_a_dotted_path():
	assert reference('{"id": 42}', "id") == "42"
	assert reference('{"result": {"tickets": [{"number": "SR-9"}]}}', "result.tickets.0.number") == "SR-9"
	assert reference("not json", "id") is None
	assert reference('{"id": true}', "id") is None
	assert reference('{"id": {"x": 1}}', "id") is None


def test_a_signed_fresh_callback_passes_and_anything_else_is_refused():
	body = b'{"reference": "SR-9", "status": "resolved"}'
	ts = str(int(NOW.timestamp()))
	good = sign("s3cret", ts, body)
	assert verify("s3cret", ts, good, body, NOW) is None
	assert verify("s3cret", None, None, body, NOW) == "the callback is not signed"
	assert verify("s3cret", ts, good, body + b" ", NOW) == "the signature does not match"
	assert verify("other", ts, good, body, NOW) == "the signature does not match"
	assert "replay" in verify("s3cret", ts, good, body, NOW + timedelta(minutes=6))
	assert verify("", ts, good, body, NOW) == "the connector has no callback secret"
	assert verify("s3cret", "yesterday", good, body, NOW) == "the timestamp is not a Unix time"


@given(body=st.binary(max_size=200), secret=st.text(min_size=1, max_size=20), skew=st.integers(-299, 299))
def test_any_body_signed_with_the_secret_within_the_window_verifies(body, secret, skew):
	ts = str(int(NOW.timestamp()) + skew)
	assert verify(secret, ts, sign(secret, ts, body), body, NOW) is None
	assert verify(secret, ts, sign(secret + "x", ts, body), body, NOW) is not None
