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

# The walker told no RAM size (flag 8): only gmem_ptr() stands between a
# PDE pointing just past RAM (0x20000, RAM is 128 KiB) and a read past it.
r = ram(0x20000)
put32(r, 0x1f000 + 1023 * 4, 0x20000 | P | RW)
put32(r, 0x1f000 + 1022 * 4, 0x1f000 | P | RW)
write('fuzz_walk', 'ram-unknown-edge', walk_hdr(0x08, 0x1f000, 0xffc00000, 0xff800000, 0x800000, 0x1f000) + bytes(r))

# --- fuzz_kstate and fuzz_check: the fake guest of tests/fuzz/fakeguest.h ---
PAGE_OFFSET = 0xc0000000
RAMSZ = 1 << 20
VARS, SWAPPER, NODES, MEM_MAP = 0x1000, 0x2000, 0x3000, 0x4000
PAGE_STRUCT_SIZE, ZONE_STRUCT_SIZE, KMALLOC_STAT_SIZE = 36, 116, 20
VMALLOC_END = 0xff800000 - 2 * 4096

def vstart_for(high):
    return (high + 2 * (8 << 20) - 1) & ~((8 << 20) - 1) & 0xffffffff

def kernel(pae=False, areas=((2, 1),), cycle=False):
    """RAM with a booted kernel: lowmem direct-mapped by large pages, mem_map
    for all of RAM, one zone, and areas (flags, pages) in vmlist, each page
    mapped by a PTE page of its own region."""
    r = ram(RAMSZ)
    high = PAGE_OFFSET + RAMSZ
    vs = vstart_for(high)
    nr = RAMSZ >> 12
    put32(r, VARS + 0x04, PAGE_OFFSET + MEM_MAP)
    put32(r, VARS + 0x08, nr)
    put32(r, VARS + 0x0c, high)
    put32(r, VARS + 0x10, vs)
    for i in range(5):
        put32(r, VARS + 0x40 + 4 * i, i + 1)
    put32(r, VARS + 0x60 + 4 * 5, len(areas))
    for c in range(3):
        put32(r, VARS + 0x80 + KMALLOC_STAT_SIZE * c, 32 << c)
    put32(r, VARS + 0x80 + 4, 1)
    put32(r, VARS + 0x80 + 8, 1)
    z = VARS + 0x100
    put32(r, z + 8, nr); put32(r, z + 12, nr); put32(r, z + 16, nr - 16); put32(r, z + 20, 100)
    put32(r, z + 24 + 8 * 2 + 4, 25)
    for pfn in range(nr):
        m = MEM_MAP + PAGE_STRUCT_SIZE * pfn
        put32(r, m + 4, 1 if pfn < 0x20 else 0)   # the kernel's own pages in use
    pte_kernel = P | RW | A | D | G
    # the direct map: one 4 MiB (2-level) or 2 MiB (PAE) page at PAGE_OFFSET
    if pae:
        pmd = 0xa000
        put64(r, SWAPPER + 3 * 8, pmd | P)
        put64(r, pmd, 0 | P | RW | A | D | PS | G)
        put32(r, MEM_MAP + PAGE_STRUCT_SIZE * (pmd >> 12) + 4, 1)
    else:
        put32(r, SWAPPER + (PAGE_OFFSET >> 22) * 4, 0 | P | RW | A | D | PS | G)
    next_table, next_frame, va = 0xb000, 0x40000, vs
    prev = VARS  # vmlist itself
    for i, (flags, pages) in enumerate(areas):
        node = NODES + 0x40 * i
        put32(r, prev + (12 if prev != VARS else 0), PAGE_OFFSET + node)
        put32(r, node + 0, flags); put32(r, node + 4, va); put32(r, node + 8, (pages + 1) << 12)
        for p in range(pages):
            a = va + (p << 12)
            if pae:
                e = pmd + ((a >> 21) & 511) * 8
                if not struct.unpack_from('<Q', r, e)[0]:
                    put64(r, e, next_table | P | RW | A | D)
                    put32(r, MEM_MAP + PAGE_STRUCT_SIZE * (next_table >> 12) + 4, 1)
                    next_table += 0x1000
                t = struct.unpack_from('<Q', r, e)[0] & ~0xfff
                put64(r, t + ((a >> 12) & 511) * 8, next_frame | pte_kernel)
            else:
                e = SWAPPER + (a >> 22) * 4
                if not struct.unpack_from('<I', r, e)[0]:
                    put32(r, e, next_table | P | RW | A | D)
                    put32(r, MEM_MAP + PAGE_STRUCT_SIZE * (next_table >> 12) + 4, 1)
                    next_table += 0x1000
                t = struct.unpack_from('<I', r, e)[0] & ~0xfff
                put32(r, t + ((a >> 12) & 1023) * 4, next_frame | pte_kernel)
            put32(r, MEM_MAP + PAGE_STRUCT_SIZE * (next_frame >> 12) + 4, 1)
            next_frame += 0x1000
        va += (pages + 1) << 12
        prev = node
    if cycle:
        put32(r, prev + 12, PAGE_OFFSET + NODES)
    return r

def from_input_pa(r):
    return trim(r[0x1000:])

write('fuzz_kstate', 'empty', from_input_pa(kernel(areas=())))
write('fuzz_kstate', 'three-areas', from_input_pa(kernel(areas=((2, 1), (4, 2), (1, 3)))))
write('fuzz_kstate', 'cycle', from_input_pa(kernel(areas=((2, 1), (2, 1)), cycle=True)))

def check_hdr(flags, cr3, cmd=0, args=(), status=0, results=(), split=0):
    a = list(args) + [0] * (6 - len(args))
    res = list(results) + [0] * (8 - len(results))
    return struct.pack('<BI I6I I8I I', flags, cr3, cmd, *a, status, *res, split)

def patches(*pairs):
    return b''.join(struct.pack('<II', g, v) for g, v in pairs)

# flags: bit 0 PAE, 1 PSE, 2 PGE, 3 NXE, 4 KVM_TRANSLATE disagrees
for name, pae, areas in (('2level-one-area', False, ((2, 1),)),
                         ('2level-three-areas', False, ((2, 1), (4, 2), (1, 3))),
                         ('pae-two-areas', True, ((2, 2), (2, 1)))):
    r = kernel(pae=pae, areas=areas)
    img = from_input_pa(r)
    flags = (1 if pae else 0) | 2 | 4
    write('fuzz_check', name, check_hdr(flags, SWAPPER, split=len(img)) + img)
# a vfree: the first area leaves vmlist and its PTE is cleared (the op says so)
r = kernel(areas=((2, 1), (2, 1)))
img = from_input_pa(r)
vs = vstart_for(PAGE_OFFSET + RAMSZ)
pte0 = 0xb000 + ((vs >> 12) & 1023) * 4
CMD_VFREE = 7  # shared/abi.h
write('fuzz_check', '2level-vfree', check_hdr(2 | 4, SWAPPER, cmd=CMD_VFREE, args=(vs,), split=len(img)) + img +
      patches((VARS + 0, PAGE_OFFSET + NODES + 0x40), (pte0, 0),
              (MEM_MAP + 36 * 0x40 + 4, 0)))
write('fuzz_check', '2level-translate-lies', check_hdr(2 | 4 | 16, SWAPPER, split=len(img)) + img)
