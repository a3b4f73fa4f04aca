"""The supervisor's daily report: computed from the store (Qt-free), written as XLSX, PDF and
CSV, exported on a schedule, and summed over the stations of a division."""
