// SPDX-License-Identifier: GPL-2.0
#include "tests/lib/vmmproc.h"

#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

extern char **environ;

/* All of an unlinked temporary file, NUL-terminated. */
static char *slurp(int fd)
{
	struct stat st;
	char *buf;

	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	buf[st.st_size] = '\0';
	return buf;
}

void vmm_child_run(struct vmm_child *c, const char *const *args, const char *env_add)
{
	char out_path[] = "/tmp/vmm_child_out_XXXXXX", err_path[] = "/tmp/vmm_child_err_XXXXXX";
	const char *eq = env_add ? strchr(env_add, '=') : NULL;
	size_t name_len = eq ? (size_t)(eq - env_add) + 1 : 0;
	posix_spawn_file_actions_t fa;
	char *envp[256], *argv[32];
	int fd_out, fd_err, wst, n = 0, e = 0;
	pid_t pid;

	argv[n++] = (char *)VMM_BIN;
	while (args[n - 1] && n < 31) {
		argv[n] = (char *)args[n - 1];
		n++;
	}
	argv[n] = NULL;
	for (n = 0; environ[n] && e < 254; n++)
		if (!name_len || strncmp(environ[n], env_add, name_len))
			envp[e++] = environ[n];
	if (name_len)
		envp[e++] = (char *)env_add;
	envp[e] = NULL;
	fd_out = mkstemp(out_path);
	fd_err = mkstemp(err_path);
	assert_true(fd_out >= 0 && fd_err >= 0);
	unlink(out_path);
	unlink(err_path);
	assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
	assert_int_equal(posix_spawn_file_actions_adddup2(&fa, fd_out, 1), 0);
	assert_int_equal(posix_spawn_file_actions_adddup2(&fa, fd_err, 2), 0);
	assert_int_equal(posix_spawn(&pid, VMM_BIN, &fa, NULL, argv, envp), 0);
	posix_spawn_file_actions_destroy(&fa);
	assert_int_equal(waitpid(pid, &wst, 0), pid);
	c->status = WIFEXITED(wst) ? WEXITSTATUS(wst) : -1;
	c->out = slurp(fd_out);
	c->err = slurp(fd_err);
	close(fd_out);
	close(fd_err);
}

void vmm_child_free(struct vmm_child *c)
{
	free(c->out);
	free(c->err);
	c->out = c->err = NULL;
}

void vmm_child_expect_status(const struct vmm_child *c, int want)
{
	size_t n = strlen(c->out);

	if (c->status != want)
		fail_msg("exit status %d, expected %d\n--- stdout (end):\n%s\n--- stderr:\n%s",
			 c->status, want, c->out + (n > 2000 ? n - 2000 : 0), c->err);
}
