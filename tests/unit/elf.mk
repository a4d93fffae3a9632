# test_elf under UBSan (and ASan), with its own sanitized copies of the core
# files it exercises, so that a misaligned or otherwise undefined access in
# the ELF loader stops the test instead of passing unnoticed.

ELF_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ELF_SAN_CFLAGS := $(HOST_CFLAGS) $(ELF_SAN)
ELF_SAN_OBJS := $(O)/tests/unit/elfsan/elf.o $(O)/tests/unit/elfsan/guestmem.o \
	$(O)/tests/unit/elfsan/util.o

$(O)/tests/unit/elfsan/%.o: vmm/core/%.c
	@mkdir -p $(@D)
	$(CC) $(ELF_SAN_CFLAGS) -c -o $@ $<

$(O)/tests/unit/test_elf.o: tests/unit/test_elf.c
	@mkdir -p $(@D)
	$(CC) $(ELF_SAN_CFLAGS) -c -o $@ $<

$(O)/tests/unit/test_elf: $(O)/tests/unit/test_elf.o $(ELF_SAN_OBJS)
	$(CC) $(ELF_SAN) -o $@ $^ -lcmocka $(HOST_LDLIBS)
