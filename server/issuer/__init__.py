"""The issuer kit: training and test material for GX1 (keys, codes, signed lists, sheets)."""
