"""A process-wide setting held by overlapping callers: set by the first in, restored by the last out."""
import threading

import pytest

from pipeline.shared_setting import SharedSetting


def test_the_last_caller_out_restores_the_setting_even_after_an_error():
    box = {"value": 5}
    setting = SharedSetting(lambda: box["value"], lambda v: box.update(value=v), 1)
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = []

    def second():
        first_in.wait()
        with setting.held():
            second_in.set()
            first_out.wait()
            seen.append(box["value"])  # the first caller left: still held for this one

    helper = threading.Thread(target=second)
    helper.start()
    with setting.held():
        seen.append(box["value"])
        first_in.set()
        second_in.wait()
    first_out.set()
    helper.join()
    assert seen == [1, 1] and box["value"] == 5
    with pytest.raises(RuntimeError), setting.held():
        raise RuntimeError("a document failed")
    assert box["value"] == 5
