"""The reader's size limits, in one place (README: "输入限制 / Input limits").

A county's annual scorecard is a few thousand rows; these limits are far above
that and far below what would exhaust the machine. Each is checked *before*
the bytes it guards are inflated or copied, on what the file actually holds
(inflated while counting, never trusting sizes the zip declares), and each
refusal names the limit.
"""
from __future__ import annotations

MAX_FILE_BYTES = 100 << 20              # the .xlsx file itself (the whole file is read into memory)
MAX_XML_PART_BYTES = 16 << 20           # workbook.xml, its relationships, styles.xml, inflated, each
MAX_SHARED_STRINGS_BYTES = 128 << 20    # xl/sharedStrings.xml, inflated
MAX_SHEET_XML_BYTES = 256 << 20         # one sheet's XML, inflated
MAX_ROWS = 1_000_000                    # rows from the first to the last row holding a value
MAX_COLUMNS = 200                       # columns A.. up to the last column holding a value (GR)
MAX_SHEET_CELLS = 4_000_000             # cells in a sheet: cells written, and rows x columns of its used range
MAX_SHEET_TEXT_BYTES = 128 << 20        # text (UTF-8 bytes) a sheet's cells hold in all, shared strings counted per cell
TEXT_MAX_CHARS = 1000                   # characters in one text cell (longer: TEXT_TOO_LONG for that cell)
