#!/usr/bin/env python3
# Writes the synthetic seeds of fuzz_walk, fuzz_kstate and fuzz_check into
# tests/fuzz/corpus/ (run once by hand; the seeds are kept in the tree).
# Each is a header (see the harness's comment) and the low guest RAM with
# hand-built page tables and kernel structures, as tests/unit builds them.
import struct, os

top = os.path.dirname(os.path.abspath(__file__))

def ram(size):
    return bytearray(size)

def put32(r, a, v): struct.pack_into('<I', r, a, v & 0xffffffff)
def put64(r, a, v): struct.pack_into('<Q', r, a, v & 0xffffffffffffffff)

def trim(r):
    return bytes(r).rstrip(b'\0')

def write(harness, name, data):
    d = os.path.join(top, 'corpus', harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)

P, RW, US, A, D, PS, G = 1, 2, 4, 0x20, 0x40, 0x80, 0x100
XD = 1 << 63

def walk_hdr(flags, cr3, va, start, length, cr3b):
    return struct.pack('<BIIIII', flags, cr3, va, start, length, cr3b)

# --- fuzz_walk ---
# 2-level, PSE: PGD at 0x1000, a 4 MiB page at 0xc0000000 (frame 0), PTE page
# at 0x2000 for 0xc8800000 with 3 present PTEs; second PGD at 0x4000 with one
# PTE page more (0x5000).
r = ram(0x6000)
for pgd in (0x1000, 0x4000):
    put32(r, pgd + 0x300 * 4, 0 | P | RW | A | D | PS | G)
    put32(r, pgd + 0x322 * 4, 0x2000 | P | RW | A | D)
for i in range(3):
    put32(r, 0x2000 + 4 * i, (0x3000 + 0x1000 * i) | P | RW | A | D | G)
put32(r, 0x4000 + 0x323 * 4, 0x5000 | P | RW)
put32(r, 0x5000, 0x3000 | P | RW | A | G)
put32(r, 0x1000 + 0x324 * 4, 0xfff00000 | P | RW)  # outside RAM
write('fuzz_walk', '2level-pse', walk_hdr(0x02, 0x1000, 0xc8801000, 0xc8800000, 0xc00000, 0x4000) + trim(r))
write('fuzz_walk', '2level-all-pages', walk_hdr(0x82, 0x1000, 0xc0001234, 0xc8800000, 0x8000, 0x1000) + trim(r))
# 2-level without PSE, MAXPHYADDR 36: the PS bit is ignored (the PDE points at a PTE page)
write('fuzz_walk', '2level-nopse', walk_hdr(0x20, 0x4000, 0xc8c00000, 0xc0000000, 0x1000000, 0x1000) + trim(r))

# PAE, NXE: PDPT at 0x1000 (entry 3 -> PMD page 0x2000), a 2 MiB page at
# 0xc0000000, PTE page 0x3000 for 0xc8800000 (index 0x44) with an XD PTE.
r = ram(0x8000)
for pdpt, pmd in ((0x1000, 0x2000), (0x1020, 0x5000)):
    put64(r, pdpt + 3 * 8, pmd | P)
    put64(r, pmd + 0, 0 | P | RW | A | D | PS | G)
    put64(r, pmd + 0x44 * 8, 0x3000 | P | RW | A | D)
put64(r, 0x3000, 0x4000 | P | RW | A | D | G | XD)
put64(r, 0x3008, 0x6000 | P | RW | A | G)
put64(r, 0x5000 + 0x45 * 8, 0x7000 | P | RW)
put64(r, 0x7000, 0x4000 | P | RW | XD)
put64(r, 0x2000 + 0x46 * 8, (1 << 40) | P | RW)  # reserved bits at MAXPHYADDR 36
write('fuzz_walk', 'pae-nxe', walk_hdr(0x05, 0x1000, 0xc8800000, 0xc8800000, 0xc00000, 0x1020) + trim(r))
write('fuzz_walk', 'pae-maxphy36', walk_hdr(0x25, 0x1000, 0xc8c00000, 0xc0000000, 0x10000000, 0x1020) + trim(r))
