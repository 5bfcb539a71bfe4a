"""Giving freed heap memory back to the operating system after a validation's rule threads."""

import platform

import pytest

from advisor import heap


def test_glibc_trims_and_other_c_libraries_are_left_alone() -> None:
    released = heap.release_freed_memory()
    assert released is (platform.libc_ver()[0] == "glibc")


def test_a_c_library_without_malloc_trim_is_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap.sys, "platform", "darwin")
    heap._malloc_trim.cache_clear()
    try:
        assert heap.release_freed_memory() is False
    finally:
        heap._malloc_trim.cache_clear()
