"""Static files storage: hashed names and compressed copies, tolerant of a missing manifest."""

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """collectstatic writes name.<hash>.ext with .gz and .br beside it; {% static %} uses the hashed name.

    A file the manifest does not know (collectstatic never ran, as in the tests, or the file is
    newer) keeps its plain name, which WhiteNoise's finders serve, instead of failing the page.
    """

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        if self.hashed_files.get(self.hash_key(self.clean_name(name.split("?", 1)[0].split("#", 1)[0]))) is None:
            return name
        return super().stored_name(name)

    def compress_files(self, paths: Any) -> Any:
        """Compress what the pages load, not every file the vendor packages ship (echarts alone is 51 MB)."""
        return super().compress_files([p for p in paths if served_compressed(p)])

    def hashed_name(self, name: str, content: Any = None, filename: str | None = None) -> str:
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:  # referenced from a stylesheet but not among the collected files
            return name


def served_compressed(path: str) -> bool:
    """Source maps and the vendors' unminified or module builds are never loaded by a page: no copies."""
    if path.endswith(".map"):
        return False
    if path.startswith("vendor/"):
        return ".min." in path
    return not path.startswith(("drf_spectacular_sidecar/", "admin/"))
