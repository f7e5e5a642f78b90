"""Markers of the reliability tests."""


def pytest_configure(config):
    config.addinivalue_line("markers", "kills: kills real training processes at random moments (about a minute); "
                            "deselect with -m 'not kills'")
