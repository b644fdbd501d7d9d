from welfare.celery import BEAT_SCHEDULE, app


def test_every_beat_schedule_names_a_registered_task():
    app.loader.import_default_modules()
    assert BEAT_SCHEDULE
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
