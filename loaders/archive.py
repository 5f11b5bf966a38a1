"""Zip archives of reports: members read in memory, guarded against zip bombs and path tricks.

A member is refused (UnsafeArchive naming archive and member) when its name is absolute or climbs
out with ``..``, when it is a symbolic link (a Unix zip stores the link's target as its bytes), when its declared size or compression ratio is absurd, or when the archive as a
whole would expand past the limit. Reading stops at the byte limit even if the header lied.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from .errors import CorruptFile, FileTooLarge, UnsafeArchive

MAX_MEMBERS = 10_000
MAX_RATIO = 200  # uncompressed / compressed; text compresses ~10x, a bomb ~1000x
MAX_TOTAL = 500 * 1024 * 1024


@dataclass
class Member:
    name: str  # member path inside the archive
    data: bytes | None  # None when refused
    error: Exception | None = None


def _member_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & 0x800:
        # Chinese Windows zip tools store names in GBK without the UTF-8 flag; zipfile decoded them as cp437.
        try:
            name = name.encode("cp437").decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    """A member a Unix zip tool stored as a symbolic link (S_IFLNK in the high word of its attributes)."""
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _unsafe_path(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return p.is_absolute() or ".." in p.parts or (len(name) > 1 and name[1] == ":")


def iter_members(data: bytes, archive_name: str, *, max_bytes: int, max_total: int = MAX_TOTAL) -> Iterator[Member]:
    """Every file member with its bytes, or with the error that refused it; directories skipped.

    Two budgets: ``max_bytes`` per member and ``max_total`` for the archive as a whole, counted in
    bytes actually inflated (a header can understate a size). Past the total, every remaining
    member is refused by name, so the run log still lists each one.
    """
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile as e:
        raise CorruptFile(archive_name, f"ZIP 结构损坏：{e}") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise UnsafeArchive(archive_name, f"成员过多（{len(infos)} 个）")
        total = 0
        for info in infos:
            name = _member_name(info)
            label = f"{archive_name}!{name}"
            if total + min(info.file_size, max_bytes) > max_total:
                yield Member(name, None, UnsafeArchive(
                    label, f"压缩包解压总量超过上限 {max_total // 2**20} MB（已解压 {total // 2**20} MB；可解压后按文件夹入库）"))
                continue
            if _unsafe_path(name):
                yield Member(name, None, UnsafeArchive(label, "成员路径越界（含 .. 或绝对路径）"))
                continue
            if _is_symlink(info):
                yield Member(name, None, UnsafeArchive(label, "成员是符号链接（不是文件）"))
                continue
            if info.file_size > max_bytes:
                yield Member(name, None, FileTooLarge(label, f"解压后 {info.file_size} 字节，上限 {max_bytes} 字节"))
                continue
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1_000_000:
                yield Member(name, None, UnsafeArchive(label, f"压缩比异常（{info.file_size // info.compress_size}:1）"))
                continue
            try:
                with zf.open(info) as fh:
                    # Read one byte past the limit: a header that understates the size is caught here.
                    body = fh.read(min(max_bytes, max_total - total) + 1)
            except RuntimeError as e:  # encrypted member
                yield Member(name, None, UnsafeArchive(label, f"成员已加密：{e}"))
                continue
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError) as e:
                yield Member(name, None, CorruptFile(label, str(e)))
                continue
            total += len(body)
            if len(body) > max_bytes:
                yield Member(name, None, FileTooLarge(label, f"解压后超过上限 {max_bytes} 字节"))
                continue
            if total > max_total:
                yield Member(name, None, UnsafeArchive(label, f"压缩包解压总量超过上限 {max_total // 2**20} MB"))
                continue
            yield Member(name, body)


MAX_PACKAGE_BYTES = 200 * 1024 * 1024  # an Office file's parts, unpacked (a real report's: a few MB)


def check_package(data: bytes, label: str, *, max_total: int = MAX_PACKAGE_BYTES) -> None:
    """Refuse an Office package (DOCX) whose parts unpack past ``max_total`` bytes, before a library
    parses it whole in memory: a 1.6 MB DOCX can hold a document.xml of 1.5 GB. The parts are
    actually inflated and counted (headers can lie), in chunks, so the check itself stays small.
    """
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as e:
        raise CorruptFile(label, f"ZIP 结构损坏：{e}") from None
    total = 0
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise UnsafeArchive(label, f"成员过多（{len(infos)} 个）")
        for info in infos:
            if info.is_dir():
                continue
            try:
                with zf.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        total += len(chunk)
                        if total > max_total:
                            raise UnsafeArchive(label, f"解压后超过 {max_total // 2**20} MB（{info.filename}）")
            except RuntimeError as e:  # an encrypted part
                raise CorruptFile(label, f"{info.filename}：{e}") from None
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError) as e:
                raise CorruptFile(label, f"{info.filename}：{e}") from None
