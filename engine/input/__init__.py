"""Input: the workbook contract (sheets), reading, validation and the issues it reports."""
