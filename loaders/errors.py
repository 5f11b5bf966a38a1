"""Typed loader errors. Each names the file and gives a Chinese reason a clerk can act on.

A batch catches ``LoaderError`` and goes on with the next file.
"""

from __future__ import annotations


class LoaderError(Exception):
    kind = "error"
    reason_zh = "无法读取"

    def __init__(self, file: str, detail: str = "") -> None:
        self.file = file
        self.detail = detail
        super().__init__(f"{file}: {self.reason_zh}{('：' + detail) if detail else ''}")

    @property
    def message(self) -> str:
        return str(self)

    def to_dict(self) -> dict:
        return {"file": self.file, "kind": self.kind, "reason": self.reason_zh, "detail": self.detail}


class EmptyFile(LoaderError):
    kind = "empty"
    reason_zh = "文件为空"


class UnsupportedFormat(LoaderError):
    kind = "unsupported"
    reason_zh = "不支持的文件类型"


class UndecodableText(LoaderError):
    kind = "undecodable"
    reason_zh = "无法识别文本编码（可能是二进制文件）"


class CorruptFile(LoaderError):
    kind = "corrupt"
    reason_zh = "文件已损坏或不完整"


class EncryptedFile(LoaderError):
    kind = "encrypted"
    reason_zh = "文件已加密，无法读取"


class FileTooLarge(LoaderError):
    kind = "too_large"
    reason_zh = "文件超过大小上限"


class ScannedDocument(LoaderError):
    kind = "scanned"
    reason_zh = "扫描件，无文字层，OCR 也未识别出文字（空白页或不是文字的图片）"


class UnreadableScan(LoaderError):
    kind = "ocr_no_text"
    reason_zh = "扫描图像中未识别出文字（空白页、照片或不是文字的图片）"


class ConverterMissing(LoaderError):
    kind = "converter_missing"
    reason_zh = "缺少文档转换工具（如 LibreOffice），无法读取旧版 Word/WPS 文件"


class UnsafeArchive(LoaderError):
    kind = "unsafe_archive"
    reason_zh = "压缩包不安全（路径越界或解压后过大）"


class NotAnAnnualReport(LoaderError):
    kind = "not_a_report"
    reason_zh = "不是政府信息公开工作年度报告"


class NoStatTables(LoaderError):
    kind = "no_tables"
    reason_zh = "未找到统计表格"


class MemoryLimit(LoaderError):
    kind = "memory_limit"
    reason_zh = "内存超限"


class TooComplex(LoaderError):
    kind = "too_complex"
    reason_zh = "文档结构超出处理上限"
