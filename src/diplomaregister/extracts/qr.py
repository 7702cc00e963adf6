"""The QR code of an extract's verification address, as segno makes it with a fixed mask.

segno encodes the message (segments, padding, Reed-Solomon error correction) with its own steps.
Where each message bit goes in the symbol, and what the symbol holds around them (finder, timing
and alignment patterns, format and version information, the mask), is the same for every message
of one version, error level and mask: segno's own placement and masking are run once per version
on an all-zero message and on a numbered one, and a code's matrix is then that zero symbol with
the modules of its 1 bits flipped (the mask is an XOR). Every verification address has the same
length, so one version serves them all.

Uses segno's encoder module (not its public API: pinned in pyproject.toml); ``tests/test_qr.py``
holds the matrix equal to ``segno.make_qr(url, error="m", mask=MASK).matrix``.
"""

from __future__ import annotations

import functools

from segno import consts, encoder

MASK = 4  # fixed: a valid QR mask (it only tunes readability); spares scoring all eight
ERROR = consts.ERROR_LEVEL_M
_NUMBERED = 1000  # placement markers: above any module value segno writes (0, 1, 2)


def matrix(text: str) -> tuple[bytearray, ...]:
    """The modules of the QR code of ``text`` (rows of 0 light / 1 dark), as
    ``segno.make_qr(text, error="m", mask=MASK).matrix``."""
    version, error, bits = _message(text)
    zero, order, width = _layout(version, error, len(bits))
    flat = bytearray(zero)
    for position, bit in zip(order, bits, strict=True):
        if bit:
            flat[position] ^= 1
    return tuple(flat[row : row + width] for row in range(0, len(flat), width))


def _message(text: str) -> tuple[int, int, bytes]:
    """segno's final message of ``text`` (as ``encoder.encode`` then ``encoder._encode`` build it
    for error level M, no ECI, boosted error level): version, error level and bits."""
    segments = encoder.prepare_data(text, None, None)
    version = encoder.find_version(segments, ERROR, eci=False, micro=False)
    error = encoder.boost_error_level(version, ERROR, segments, False)
    buff = encoder.Buffer()
    for segment in segments:
        encoder.write_segment(buff, segment, None, encoder.version_range(version), False)
    capacity = consts.SYMBOL_CAPACITY[version][error]  # type: ignore[index]
    encoder.write_terminator(buff, capacity, None, len(buff))
    encoder.write_padding_bits(buff, version, len(buff))
    encoder.write_pad_codewords(buff, version, capacity, len(buff))
    return version, error, bytes(encoder.make_final_message(version, error, buff))


@functools.cache
def _layout(version: int, error: int, length: int) -> tuple[bytes, tuple[int, ...], int]:
    """The symbol of the all-zero message of ``length`` bits (flattened), the flat position of
    each message bit in placement order, and the width: segno's steps of ``encoder._encode``."""
    width = encoder.calc_matrix_size(version)
    numbered = _symbol(version, error, range(_NUMBERED, _NUMBERED + length), masked=False)
    order = [0] * length
    for r, row in enumerate(numbered):
        for c, value in enumerate(row):
            if value >= _NUMBERED:
                order[value - _NUMBERED] = r * width + c
    zero = _symbol(version, error, bytes(length), masked=True)
    return bytes(b for row in zero for b in row), tuple(order), width


def _symbol(version: int, error: int, bits: range | bytes, *, masked: bool) -> list[list[int]]:
    width = encoder.calc_matrix_size(version)
    rows = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(rows, width, width)
    encoder.add_alignment_patterns(rows, width, width)
    cells = [list(row) for row in rows]  # lists: they hold the placement numbers too
    encoder.add_codewords(cells, bits, version)
    if masked:
        masked_rows = tuple(bytearray(row) for row in cells)
        _, masked_rows = encoder.find_and_apply_best_mask(masked_rows, width, width, MASK)
        encoder.add_format_info(masked_rows, version, error, MASK)
        encoder.add_version_info(masked_rows, version)
        return [list(row) for row in masked_rows]
    return cells
