"""What reportlab's import leaves for first use (two patterns, PIL's Image) works as before."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

from csm_desktop.reports.lazy_imports import LazyPattern, install

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
        from csm_desktop.reports.lazy_imports import LazyPattern
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
    hooks = [f for f in sys.meta_path if type(f).__module__.endswith("lazy_imports")]
    assert len(hooks) == 1


def test_only_the_importing_thread_gets_a_deferred_pattern() -> None:
    """While a worker imports the module, ``re.compile`` is swapped for the whole process:
    another thread compiling the same kind of pattern meanwhile gets a real one."""
    import threading

    from csm_desktop.reports.lazy_imports import _PatternLoader

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

    _PatternLoader(Module(), re.IGNORECASE, "\xa1-\uffff").exec_module(object())  # type: ignore[arg-type]
    assert isinstance(got["importing"], LazyPattern)
    assert isinstance(got["other"], re.Pattern)


def _fresh_process(script: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_a_fresh_process_imports_reportlab_textsplit_with_its_cjk_pattern_not_yet_compiled() -> (
    None
):
    _fresh_process(
        """
        import re
        import csm_desktop.reports
        from reportlab.lib import textsplit
        from csm_desktop.reports.lazy_imports import LazyPattern
        assert isinstance(textsplit.rx, LazyPattern), type(textsplit.rx)
        assert "compiled" not in vars(textsplit.rx)
        text = "東京テクノロジー株式会社 and more words"
        eager = re.compile(textsplit.rx.pattern, re.UNICODE)
        assert textsplit.rx.sub(r"\\1\\0 ", text) == eager.sub(r"\\1\\0 ", text)
        assert "compiled" in vars(textsplit.rx)
        print("ok")
        """
    )


def test_a_fresh_process_imports_reportlab_without_pil_and_reads_an_image_with_it(
    tmp_path: Path,
) -> None:
    from PIL import Image

    picture = tmp_path / "logo.png"
    Image.new("RGB", (3, 2), (200, 10, 20)).save(picture)
    _fresh_process(
        f"""
        import sys
        import csm_desktop.reports
        import reportlab.platypus
        from reportlab.lib import utils
        assert "PIL.Image" not in sys.modules
        assert utils.haveImages
        reader = utils.ImageReader({str(picture)!r})
        assert reader.getSize() == (3, 2)
        assert reader.getRGBData()[:3] == bytes([200, 10, 20])
        import PIL.Image
        assert utils.Image.Image is PIL.Image.Image
        from PIL import Image
        assert Image is sys.modules["PIL.Image"]  # the stand-in was only for reportlab
        print("ok")
        """
    )


def test_pil_imported_before_reportlab_is_used_as_is() -> None:
    _fresh_process(
        """
        import PIL.Image
        import csm_desktop.reports
        from reportlab.lib import utils
        assert utils.Image is PIL.Image
        print("ok")
        """
    )
