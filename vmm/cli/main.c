// SPDX-License-Identifier: GPL-2.0
/*
 * vmm: boot a guest ELF on /dev/kvm.  The only place that exits.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/inspect/inspect.h"
#include "vmm/cli/cli.h"
#include "vmm/core/core.h"

/* Run every guest self-test and print one line each; number failed, or -ECANCELED (ev). */
static int run_selftests(struct vm *vm, struct vm_event *ev)
{
	struct guest_reply reply;
	uint32_t i, count = 1;
	int failed = 0, ret;

	for (i = 0; i < count; i++) {
		char name[4 * MBOX_TEXT + 1];
		const char *nl;

		ret = guest_selftest(vm, i, &count, &reply, ev);
		if (ret)
			return ret;
		if (reply.status == ST_EINVAL)
			break;
		/* The name and the reason are the guest's text: escaped. */
		nl = memchr(reply.text, '\n', reply.text_len);
		vmm_escape_text(name, sizeof(name), reply.text,
				nl ? (size_t)(nl - reply.text) : reply.text_len);
		printf("selftest %-28s %s\n", name, reply.status == ST_OK ? "passed" : "FAILED");
		if (reply.status != ST_OK) {
			failed++;
			if (nl) {
				vmm_fput_text(stdout, nl + 1,
					      reply.text_len - (size_t)(nl + 1 - reply.text));
				putchar('\n');
			}
		}
	}
	printf("selftests: %u passed, %d failed\n", count - failed, failed);
	return failed;
}

/* Everything main() prepared before the VM exists. */
struct run {
	const struct vmm_options *opts;
	enum vmm_mode mode;
	struct script script; /* the demo's or --script's */
	struct sym_table syms;
	FILE *json_file;
	struct html_view *html;	     /* --html: open until run_operations() finishes it */
	struct demo_session session; /* valid once the operations ran (ran_ops) */
	bool ran_ops;
};

/* An error of a dump: printed after what the dumps printed so far. */
static int dump_failed(const char *err)
{
	fflush(stdout);
	fprintf(stderr, "vmm: %s\n", err);
	return -1;
}

/* The dumps of --dump and --vtop; 0 or -1 (each error printed). */
static int run_dumps(struct vm *vm, struct run *run)
{
	const struct vmm_options *opts = run->opts;
	char err[VM_ERR_LEN];
	struct walk_ctx ctx;
	unsigned int i;
	int ret = 0;

	if (opts->dumps & (OPT_DUMP_TLB | OPT_DUMP_MEM) &&
	    inspect_walk_ctx(vm, &ctx, err, sizeof(err)))
		return dump_failed(err);
	if (opts->dumps & OPT_DUMP_VMALLOCINFO &&
	    demo_dump_vmallocinfo(stdout, vm, &run->syms, err, sizeof(err)))
		ret = dump_failed(err);
	if (opts->dumps & OPT_DUMP_TLB && dump_tlb(stdout, &ctx, err, sizeof(err)))
		ret = dump_failed(err);
	if (opts->dumps & OPT_DUMP_MEM && dump_mem(stdout, &ctx, err, sizeof(err)))
		ret = dump_failed(err);
	for (i = 0; i < opts->nr_vtop; i++)
		if (demo_dump_vtop(stdout, vm, &run->syms, &run->script,
				   run->ran_ops ? &run->session : NULL, opts->vtop[i], err,
				   sizeof(err)))
			ret = dump_failed(err);
	fflush(stdout);
	return ret ? -1 : 0;
}

/* "rules run: A1 32, A2 32, ...": in how many checks each rule ran (checks.md's order). */
static void print_rule_runs(const struct demo_session *s)
{
	unsigned int r;

	printf("rules run:");
	for (r = 0; r < CHECK_NR_RULES; r++)
		printf("%s %s %u", r ? "," : "", check_rule_name(r), s->rule_runs[r]);
	printf("\n");
}

/* The trace's last line: totals, and (checked) {"A1": N, ...} as "rules_run". */
static json_t *summary_json(const struct demo_session *s)
{
	json_t *j = json_pack("{s:s, s:I, s:b, s:I, s:I}", "type", "summary", "operations",
			      (json_int_t)s->nr_ops, "checked", s->checker != NULL, "checks",
			      (json_int_t)s->nr_checks, "violations", (json_int_t)s->nr_violations);
	json_t *rules;
	unsigned int r;

	if (!j || !s->checker)
		return j;
	rules = json_object();
	for (r = 0; rules && r < CHECK_NR_RULES; r++)
		if (json_object_set_new(rules, check_rule_name(r),
					json_integer((json_int_t)s->rule_runs[r]))) {
			json_decref(rules);
			rules = NULL;
		}
	if (!rules || json_object_set_new(j, "rules_run", rules)) {
		json_decref(j);
		return NULL;
	}
	return j;
}
/* The demo or a script, with the checker unless --no-check; the VMM exit status or -ECANCELED
 * (ev). */
static int run_operations(struct vm *vm, struct run *run, struct vm_event *ev)
{
	const struct vmm_options *opts = run->opts;
	const char *what = run->mode == MODE_DEMO ? "demo" : "script";
	struct check_ctx *checker = NULL;
	struct demo_session *s = &run->session;
	char err[VM_ERR_LEN];
	int ret;

	if (opts->check) {
		ret = check_ctx_init(&checker, vm, &run->syms, err, sizeof(err));
		if (ret == -ENOENT) {
			printf("%s: checks off: %s\n", what, err);
			checker = NULL;
		} else if (ret) {
			fprintf(stderr, "vmm: cannot start the checker: %s\n", err);
			return VMM_EXIT_INTERNAL;
		}
	}
	demo_session_init(s, vm, &run->syms, checker, stdout, run->json_file);
	s->html = run->html;
	ret = demo_run_script(s, &run->script, ev, err, sizeof(err));
	run->ran_ops = true;
	/* A VM that stopped still leaves a page of what ran. */
	if (!ret || ret == -ECANCELED) {
		char herr[VM_ERR_LEN];

		run->html = NULL;
		if (html_view_close(s->html, s, herr, sizeof(herr))) {
			if (ret)
				fprintf(stderr, "vmm: %s\n", herr);
			else
				ret = -EIO;
			snprintf(err, sizeof(err), "%s", herr);
		}
	}
	check_ctx_free(checker);
	if (ret == -ECANCELED)
		return ret;
	if (ret) {
		fflush(stdout);
		fprintf(stderr, "vmm: %s\n", err);
		return VMM_EXIT_INTERNAL;
	}
	if (checker) {
		print_rule_runs(s);
		printf("%s: %u operations, %u checks, %u violations\n", what, s->nr_ops,
		       s->nr_checks, s->nr_violations);
	} else {
		printf("%s: %u operations, checks off\n", what, s->nr_ops);
	}
	if (run->json_file && json_write_line(run->json_file, summary_json(s))) {
		fprintf(stderr, "vmm: --json %s: cannot write the summary\n", opts->json_path);
		return VMM_EXIT_INTERNAL;
	}
	fflush(stdout);
	return s->nr_violations ? VMM_EXIT_CHECK_FAILED : 0;
}

/* --stress: the rounds, their checks, the summary; the VMM exit status or -ECANCELED (ev). */
static int run_stress(struct vm *vm, struct run *run, struct vm_event *ev)
{
	const struct vmm_options *opts = run->opts;
	const struct stress_params p = { .ops = opts->stress_ops,
					 .every = opts->stress_every,
					 .seed = opts->stress_seed };
	struct stress_totals *t = malloc(sizeof(*t));
	char err[VM_ERR_LEN];
	int ret;

	if (!t) {
		fprintf(stderr, "vmm: out of memory for the stress run\n");
		return VMM_EXIT_INTERNAL;
	}
	printf("stress: %u CPUs, %u operations each, seed %u, checks every %u operations\n",
	       vm->nr_vcpus, p.ops, p.seed, p.every);
	ret = stress_run(vm, &run->syms, &p, stdout, t, ev, err, sizeof(err));
	if (ret == -ECANCELED) {
		free(t);
		return ret;
	}
	if (ret) {
		fflush(stdout);
		fprintf(stderr, "vmm: %s\n", err);
		free(t);
		/* A stress_state that breaks the contract is the guest's protocol error. */
		return ret == -EBADMSG ? VMM_EXIT_PROTOCOL : VMM_EXIT_INTERNAL;
	}
	stress_print_summary(stdout, t);
	fflush(stdout);
	ret = t->nr_violations ? VMM_EXIT_CHECK_FAILED : 0;
	if (run->json_file && json_write_line(run->json_file, stress_json(t))) {
		fprintf(stderr, "vmm: --json %s: cannot write the summary\n", opts->json_path);
		ret = VMM_EXIT_INTERNAL;
	}
	free(t);
	return ret;
}

/* A triple-faulted vCPU's stack, since its registers are gone (vmm/inspect/stack.c). */
static void post_mortem_stack(struct vm *vm, struct run *run, unsigned int vcpu)
{
	char err[VM_ERR_LEN];

	if (inspect_stack_scan(vm, &run->syms, vcpu, stderr, err, sizeof(err)))
		fprintf(stderr, "(no stack of vCPU %u: %s)\n", vcpu, err);
}

/* What the VM does once the guest is up; returns the exit status. */
static int drive_guest(struct vm *vm, struct run *run)
{
	const struct vmm_options *opts = run->opts;
	struct vm_event ev;
	int failed = 0, status = 0;

	if (guest_wait_ready(vm, &ev))
		goto stopped;
	switch (run->mode) {
	case MODE_SELFTEST:
		failed = run_selftests(vm, &ev);
		if (failed < 0)
			goto stopped;
		break;
	case MODE_DEMO:
	case MODE_SCRIPT:
		status = run_operations(vm, run, &ev);
		if (status < 0)
			goto stopped;
		if (status && status != VMM_EXIT_CHECK_FAILED)
			return status;
		break;
	case MODE_STRESS:
		status = run_stress(vm, run, &ev);
		if (status < 0)
			goto stopped;
		if (status && status != VMM_EXIT_CHECK_FAILED)
			return status;
		break;
	case MODE_INSPECT:
		break;
	}
	if (run_dumps(vm, run))
		return VMM_EXIT_INTERNAL;
	if (guest_exit(vm, failed ? 1 : 0, &ev) == 0)
		return status ? status : ev.status;
stopped:
	if (ev.kind == VM_EV_EXIT)
		return status ? status : ev.status;
	fflush(stdout);
	fprintf(stderr, "vmm: %s: %s\n", opts->guest_path, ev.msg);
	if (ev.kind != VM_EV_PROTOCOL && ev.kind != VM_EV_INTERRUPTED) {
		unsigned int i;

		/* The vCPU it happened on first (an AP's triple fault), then every
		 * other, each stopped first (KVM_GET_REGS waits for KVM_RUN). */
		vm_stop_for_post_mortem(vm);
		if (ev.kind == VM_EV_TRIPLE_FAULT)
			fprintf(stderr,
				"(KVM resets a vCPU at KVM_EXIT_SHUTDOWN: vCPU %u's registers "
				"below are its reset state, not where it faulted)\n",
				ev.vcpu);
		if (ev.vcpu < vm->nr_vcpus)
			vcpu_dump_state(&vm->vcpus[ev.vcpu], stderr);
		if (ev.kind == VM_EV_TRIPLE_FAULT)
			post_mortem_stack(vm, run, ev.vcpu);
		for (i = 0; i < vm->nr_vcpus; i++)
			if (i != ev.vcpu)
				vcpu_dump_state(&vm->vcpus[i], stderr);
	}
	return vm_event_exit_status(&ev);
}

/* The VM SIGINT and SIGTERM stop (vm_interrupt()), while there is one. */
static struct vm *volatile signal_vm;

static void on_stop_signal(int signo)
{
	struct vm *vm = signal_vm;

	if (vm)
		vm_interrupt(vm, signo);
}

/*
 * SIGINT and SIGTERM stop the guest at vCPU 0's next exit and main() ends
 * as usual (exit status 128 + the signal).  They are blocked on every
 * thread the VM starts (which inherit the mask from here), so that they
 * reach vCPU 0, which runs on this thread.  SA_RESTART: a write to stdout
 * or the trace is not cut short.
 */
static int catch_stop_signals(char *err, size_t errlen)
{
	static const int sigs[] = { SIGINT, SIGTERM };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return vmm_errf(err, errlen, -errno, "sigaction: %s", strerror(errno));
	return 0;
}

static void block_stop_signals(int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(how, &set, NULL);
}

/* Script, symbols (from img, read once) and trace file, before any VM exists; 0 or an exit
 * status. */
static int prepare(struct run *run, const struct elf_image *img)
{
	const struct vmm_options *opts = run->opts;
	char err[VM_ERR_LEN];
	int ret;

	script_init(&run->script, "demo");
	if (run->mode == MODE_DEMO) {
		ret = script_parse_text(&run->script, "demo", demo_script, err, sizeof(err));
	} else if (run->mode == MODE_SCRIPT) {
		ret = script_parse_file(&run->script, opts->script_path, err, sizeof(err));
		if (ret && ret != -EINVAL && ret != -E2BIG) {
			fprintf(stderr, "vmm: %s\n", err);
			return VMM_EXIT_NO_INPUT;
		}
	} else {
		ret = 0;
	}
	if (ret) {
		fprintf(stderr, "vmm: %s\n", err);
		return VMM_EXIT_USAGE;
	}
	ret = sym_load_image(&run->syms, img, err, sizeof(err));
	/* Self-tests need no symbols (vm_boot says so when --cpus needs them). */
	if (run->mode == MODE_SELFTEST && !opts->dumps && !opts->nr_vtop)
		return 0;
	if (ret) {
		if (ret == SYM_NO_SYMTAB)
			fprintf(stderr,
				"vmm: %s: no symbol table: the demo, scripts and dumps need "
				"the guest's symbols (do not strip it)\n",
				opts->guest_path);
		else
			fprintf(stderr, "vmm: %s\n", err);
		return VMM_EXIT_BAD_ELF;
	}
	if (demo_resolve_names(&run->script, &run->syms, err, sizeof(err))) {
		fprintf(stderr, "vmm: %s\n", err);
		return VMM_EXIT_USAGE;
	}
	if (opts->json_path) {
		run->json_file =
			strcmp(opts->json_path, "-") ? fopen(opts->json_path, "w") : stdout;
		if (!run->json_file) {
			fprintf(stderr, "vmm: --json %s: cannot create the file: %s\n",
				opts->json_path, strerror(errno));
			return VMM_EXIT_NO_INPUT;
		}
	}
	if (opts->html_path && (run->mode == MODE_DEMO || run->mode == MODE_SCRIPT) &&
	    html_view_open(&run->html, opts->html_path,
			   run->mode == MODE_DEMO ? "demo" : opts->script_path, err, sizeof(err))) {
		fprintf(stderr, "vmm: %s\n", err);
		return VMM_EXIT_NO_INPUT;
	}
	return 0;
}

static void release(struct run *run)
{
	script_free(&run->script);
	sym_free(&run->syms);
	html_view_abort(run->html);
	if (run->json_file && run->json_file != stdout)
		fclose(run->json_file);
}

int main(int argc, char **argv)
{
	struct vmm_options opts;
	struct run run = { .opts = &opts };
	struct elf_image img;
	char err[VM_ERR_LEN];
	struct vm *vm;
	int status, ret;

	if (parse_options(argc, argv, &opts, err, sizeof(err))) {
		fprintf(stderr, "vmm: %s\n", err);
		return VMM_EXIT_USAGE;
	}
	if (opts.help) {
		print_usage(stdout, argv[0]);
		return 0;
	}
	if (opts.version) {
		printf("vmm: host/guest ABI version %u\n", VMM_ABI_VERSION);
		return 0;
	}
	if (!opts.quiet)
		opts.vm.console = stdout;
	run.mode = vmm_options_mode(&opts);

	/* The file is checked completely before any VM exists. */
	ret = elf_image_open(opts.guest_path, opts.vm.ram_size, &img, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "vmm: %s\n", err);
		return ret == -ENOEXEC ? VMM_EXIT_BAD_ELF : VMM_EXIT_NO_INPUT;
	}
	status = prepare(&run, &img);
	if (status) {
		release(&run);
		elf_image_close(&img);
		return status;
	}
	/* Blocked until the VM exists (a signal meanwhile waits, then stops it),
	 * and on every thread it starts. */
	block_stop_signals(SIG_BLOCK);
	ret = vm_create(&vm, &opts.vm, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "vmm: %s\n", err);
		release(&run);
		elf_image_close(&img);
		return vm_create_error_is_kvm(ret) ? VMM_EXIT_NO_KVM : VMM_EXIT_INTERNAL;
	}
	ret = vm_boot(vm, &img, &run.syms, err, sizeof(err));
	if (!ret) {
		signal_vm = vm;
		ret = catch_stop_signals(err, sizeof(err));
		block_stop_signals(SIG_UNBLOCK);
	}
	if (ret) {
		fprintf(stderr, "vmm: %s\n", err);
		/* -ENOEXEC: a guest without SMP support asked to run on several vCPUs. */
		status = ret == -ENOEXEC ? VMM_EXIT_BAD_ELF : VMM_EXIT_INTERNAL;
		goto out;
	}
	/* Set-up ends here: from now on each thread keeps to its allowlist (README,
	 * Sandbox).  jansson reads /dev/urandom on its first object: seed it before. */
	json_object_seed(0);
	if (sandbox_enter_main(vm, err, sizeof(err))) {
		fprintf(stderr, "vmm: %s\n", err);
		status = VMM_EXIT_INTERNAL;
	} else {
		status = drive_guest(vm, &run);
	}
out:
	signal_vm = NULL;
	release(&run);
	elf_image_close(&img);
	vm_destroy(vm);
	return status;
}
