"""reportlab's web-address pattern is compiled on first use, and matches as the eager one."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

from csm_desktop.reports.lazy_uri_pattern import LazyPattern, install

ADDRESSES = (
    "http://example.com/a",
    "HTTPS://ÉXAMPLE.org/path?q=1",
    "ftp://10.2.3.4:8080/x",
    "http://[::1]/",
    "https://bücher.de",
    "not an address",
    "http://-bad-.com",
)


def test_a_fresh_process_imports_reportlab_paragraph_with_the_pattern_not_yet_compiled() -> None:
    script = textwrap.dedent(
        f"""
        import re
        import csm_desktop.reports
        from reportlab.platypus import paragraph
        from csm_desktop.reports.lazy_uri_pattern import LazyPattern
        assert isinstance(paragraph.uri_pat, LazyPattern), type(paragraph.uri_pat)
        assert "compiled" not in vars(paragraph.uri_pat)
        assert re.compile.__module__ == "re"  # put back after the import
        eager = re.compile(paragraph.uri_pat.pattern, re.I)
        for text in {ADDRESSES!r}:
            got, want = paragraph.uri_pat.match(text), eager.match(text)
            assert (got and got.groups()) == (want and want.groups()), text
        assert paragraph._uri_split_pairs("https://example.com/a/b") is not None
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_a_lazy_pattern_compiles_once_and_behaves_as_the_pattern() -> None:
    lazy = LazyPattern(r"(ab)+\d", re.IGNORECASE)
    assert "compiled" not in vars(lazy)
    assert lazy.match("ABab7").group(0) == "ABab7"
    assert lazy.search("xx ab1").span() == (3, 6)
    assert lazy.groups == 1
    assert lazy.compiled is re.compile(r"(ab)+\d", re.IGNORECASE)


def test_installing_twice_adds_one_hook() -> None:
    install()
    install()
    hooks = [f for f in sys.meta_path if type(f).__module__.endswith("lazy_uri_pattern")]
    assert len(hooks) == 1


def test_only_the_importing_thread_gets_a_deferred_pattern() -> None:
    """While a worker imports the module, ``re.compile`` is swapped for the whole process:
    another thread compiling the same kind of pattern meanwhile gets a real one."""
    import threading

    from csm_desktop.reports.lazy_uri_pattern import _Loader

    wide = "[\xa1-\uffff]+"  # the characters themselves, as reportlab writes them
    got: dict[str, object] = {}

    class Module:
        def exec_module(self, _module: object) -> None:
            got["importing"] = re.compile(wide, re.IGNORECASE)
            other = threading.Thread(
                target=lambda: got.update(other=re.compile(wide, re.IGNORECASE))
            )
            other.start()
            other.join()

    _Loader(Module()).exec_module(object())  # type: ignore[arg-type]
    assert isinstance(got["importing"], LazyPattern)
    assert isinstance(got["other"], re.Pattern)
