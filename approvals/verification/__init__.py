"""Public verification of decision documents (许可决定书 / 不予许可决定书) by QR code link or short code."""
