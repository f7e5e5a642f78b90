"""The server's log of events that come in floods: once at first, then one counted line per interval."""

import logging
import time

from classicnets.serving.event_log import EventLog


def test_a_flood_is_one_line_then_one_counted_line_per_interval(caplog):
    events = EventLog(logging.getLogger("flood"), interval=0.3)
    with caplog.at_level(logging.WARNING, logger="flood"):
        for number in range(1000):
            events.note("slow", f"closed a slow client ({number})")
        events.note("other", "another kind")
        assert [record.getMessage() for record in caplog.records] == ["closed a slow client (0)", "another kind"]
        time.sleep(0.6)
        assert caplog.records[2].getMessage() == "closed a slow client (999) (999 times in the last 0.3 s)"
        time.sleep(0.4)
        events.note("slow", "late")  # an interval after the counted line: logged at once
        events.note("slow", "later")  # held, and told when the log is closed
        events.close()
    assert [record.getMessage() for record in caplog.records][3:] == ["late", "later (1 time in the last 0.3 s)"]
    assert events.counts == {"slow": 1002, "other": 1}
