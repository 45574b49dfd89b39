"""Offline sample-quality evaluation: FID, KID, precision/recall/density/coverage (and L1, PSNR,
SSIM for paired outputs) on feature networks trained here per domain, or on the official
Inception GraphDef when the user has it. See docs/evaluation.md.
"""
