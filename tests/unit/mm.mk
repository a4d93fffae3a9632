# Host builds of the guest's page allocator and kmalloc (guest/mm/), and
# the host commands that read them (guest/commands/pages.c), under
# AddressSanitizer and UBSan, against the stand-ins in tests/unit/guest_shim/.
# The shim directory comes first so that its kernel.h, spinlock.h, bootmem.h
# and mailbox.h replace the guest's; the guest's own headers (mm.h, page.h,
# slab.h, gfp.h) are searched after the system's, so <string.h> stays libc's.

MM_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
MM_HOST_CFLAGS := -std=gnu11 -O1 -g $(WARNINGS) $(MM_SAN) -D_GNU_SOURCE -MD -MP \
	-Itests/unit/guest_shim -I. -idirafter guest/include
MM_HOST_OBJS := $(O)/tests/unit/mm/page_alloc.o $(O)/tests/unit/mm/kmalloc.o \
	$(O)/tests/unit/mm/mm_selftest.o $(O)/tests/unit/mm/pages.o $(O)/tests/unit/mm/shim.o
MM_UNIT_TESTS := $(O)/tests/unit/test_buddy $(O)/tests/unit/test_kmalloc

UNIT_TESTS := $(filter-out $(MM_UNIT_TESTS),$(UNIT_TESTS)) $(MM_UNIT_TESTS)

$(O)/tests/unit/mm/%.o: guest/mm/%.c
	@mkdir -p $(@D)
	$(CC) $(MM_HOST_CFLAGS) -c -o $@ $<

$(O)/tests/unit/mm/pages.o: guest/commands/pages.c
	@mkdir -p $(@D)
	$(CC) $(MM_HOST_CFLAGS) -c -o $@ $<

$(O)/tests/unit/mm/shim.o: tests/unit/guest_shim/shim.c
	@mkdir -p $(@D)
	$(CC) $(MM_HOST_CFLAGS) -c -o $@ $<

$(O)/tests/unit/test_buddy.o: tests/unit/test_buddy.c
	@mkdir -p $(@D)
	$(CC) $(MM_HOST_CFLAGS) -c -o $@ $<

$(O)/tests/unit/test_kmalloc.o: tests/unit/test_kmalloc.c
	@mkdir -p $(@D)
	$(CC) $(MM_HOST_CFLAGS) -c -o $@ $<

$(O)/tests/unit/test_buddy: $(O)/tests/unit/test_buddy.o $(MM_HOST_OBJS)
	$(CC) $(MM_SAN) -o $@ $^ -lcmocka

$(O)/tests/unit/test_kmalloc: $(O)/tests/unit/test_kmalloc.o $(MM_HOST_OBJS)
	$(CC) $(MM_SAN) -o $@ $^ -lcmocka
