"""The last stage: write every output into a fresh folder, then switch ``dist`` to it.

``dist`` is a symbolic link to a finished build folder beside it
(``.dist-builds/<id>``). A new build is written completely into a new folder,
and only then is the link replaced with one atomic rename; a failed or killed
build leaves the previous ``dist`` as it was. One lock file keeps two builds of
the same folder from running at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildLocked, Location, SourceError
from ..model import Output
from ..safety import builds_folder, naming

OUR_BUILDS = ("build-", "legacy-")  # the names of the folders a build makes in the builds folder


@dataclass
class Staging:
    folder: Path
    outputs: list[Output] = field(default_factory=list)

    def add(self, output: Output) -> None:
        target = self.folder / output.path
        if target.exists():
            raise RuntimeError(f"two outputs would be written to {output.path}")  # a programming error
        with naming(target):  # a full disk names the file it stopped
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(output.data)
        self.outputs.append(output)


def manifest(outputs: list[Output]) -> bytes:
    entries = []
    for out in sorted(outputs, key=lambda o: o.path):
        entry: dict[str, object] = {
            "kind": out.kind,
            "variant": out.variant,
            "path": out.path,
            "size": len(out.data),
            "sha256": hashlib.sha256(out.data).hexdigest(),
        }
        if out.pages is not None:
            entry["pages"] = out.pages
        entry.update(out.extra)
        entries.append(entry)
    return (json.dumps({"outputs": entries}, indent=2, ensure_ascii=False) + "\n").encode()


@contextlib.contextmanager
def lock(out: Path) -> Iterator[None]:
    out.parent.mkdir(parents=True, exist_ok=True)
    path = out.parent / f".{out.name}.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(
                f"{path}: another build of {out} is running; wait for it to finish and try again"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Staging]:
    """A new build folder; switched in as ``out`` only if the block succeeds."""
    if out.exists() and not out.is_symlink() and not out.is_dir():
        raise SourceError(Location(out), "the output path exists and is not a folder", code="E008")
    builds = builds_folder(out)
    builds.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="build-", dir=builds))
    try:
        stage = Staging(folder)
        yield stage
        stage.add(Output("manifest", "", "manifest.json", manifest(stage.outputs)))
        os.chmod(folder, 0o755)
        _switch(out, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _clean(builds, keep=folder)


def _switch(out: Path, folder: Path) -> None:
    if out.exists() and not out.is_symlink():
        # An old real folder (from before dist was a link): keep it as a finished build.
        os.replace(out, builds_folder(out) / f"legacy-{os.getpid()}")
    link = out.parent / f".{out.name}.new-link"
    if link.is_symlink():  # ours, left by a build killed here; anything else there stops the os.symlink below
        link.unlink()
    os.symlink(os.path.relpath(folder, out.parent), link)
    os.replace(link, out)
    _fsync_dir(out.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _clean(builds: Path, keep: Path) -> None:
    """Remove the earlier builds (only the folders a build made: build-*, legacy-*)."""
    for child in builds.iterdir():
        if child != keep and child.name.startswith(OUR_BUILDS) and child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
