"""PDF from an xlsx through LibreOffice headless, where it is installed (optional: nothing else needs it)."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


class NoConverter(RuntimeError):
    """LibreOffice (soffice) is not on PATH."""


def converter() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(xlsx: Path, pdf: Path, timeout: float = 300) -> Path:
    """Convert `xlsx` to exactly `pdf`; a private LibreOffice profile so parallel runs do not collide."""
    exe = converter()
    if exe is None:
        raise NoConverter("未找到 LibreOffice（soffice），无法生成 PDF；Excel 文件已写出。/ LibreOffice not found: no PDF.")
    with tempfile.TemporaryDirectory(prefix="scorecard-pdf-") as tmp:
        tmp_path = Path(tmp)
        subprocess.run([exe, "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
                       check=True, capture_output=True, timeout=timeout)
        produced = tmp_path / (Path(xlsx).stem + ".pdf")
        if not produced.exists():
            raise RuntimeError(f"LibreOffice did not write {produced.name}")
        shutil.move(str(produced), str(pdf))
    return pdf
