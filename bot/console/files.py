"""A reply's files in the console: written into a directory, their paths shown to the person."""

from __future__ import annotations

from pathlib import Path

from handlers.model import Upload

FILES_DIR = Path("kam-files")


def save(files: tuple[Upload, ...], directory: Path) -> list[Path]:
    """Write each file under its own name; an earlier file of that name is kept (`-2`, `-3`…)."""
    directory.mkdir(parents=True, exist_ok=True)
    saved = []
    for file in files:
        name = Path(Path(file.filename).name)
        path, n = directory / name, 1
        while path.exists():
            n += 1
            path = directory / f"{name.stem}-{n}{name.suffix}"
        path.write_bytes(file.content)
        saved.append(path)
    return saved
